export {
  DiagnosticsSection,
  DiagnosticItem,
  countBySeverity,
} from './DiagnosticsSection';
