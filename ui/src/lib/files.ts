// Files in and out of the webview: text handed over as a download (there is no file dialog in
// this app) and the text of a file picked with an <input type=file>.

/**
 * Hands `text` to the webview as a file download. A Blob URL on an `<a download>` is what the
 * webview saves without a dialog (WebKitGTK puts it in the Downloads folder); where the webview
 * has no Blob URLs this answers false, and the caller shows the text for copying instead.
 */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): boolean {
  if (typeof URL.createObjectURL !== 'function') return false;
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: the download holds its own reference by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return true;
}

/** The text of a picked file. WebKitGTK and jsdom both have Blob.text(); FileReader covers engines that predate it. */
export function readText(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}
