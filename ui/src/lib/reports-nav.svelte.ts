// Which report tab the Reports area shows, so another view (the dashboard) can open it at a
// given report.
export const reportsNav = $state({ tab: 'revenue' });
