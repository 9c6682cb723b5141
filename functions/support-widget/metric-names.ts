/** The support widget's own metrics (lib/monitoring/metric-names.ts lists them with the others). */
export const SUPPORT_WIDGET_METRICS = {
  requests: 'SupportWidgetRequests',
  errors: 'SupportWidgetErrors',
} as const;
