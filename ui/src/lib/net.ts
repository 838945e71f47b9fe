// Which listener addresses stay on this computer.

/** Whether `host` is a loopback address: localhost, ::1 or 127.x.x.x. Anything else may be reachable from other machines. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
