export { estimateSite, dailyCost, annotatedVolume, DAYS_PER_MONTH } from './estimate';
export type { DailyCost } from './estimate';
export { callsPerDayText, callsPerRunText, volumeCalls } from './estimate';
export { parseUsageFile } from './usage';
export type { UsageFile, UsageRow, UsageParse, UsageFormat } from './usage';
export { summarizeUsage, buildCalibration, applyCalibration, reconcile, calibrateWithUsage, usageRates, usageCost } from './calibrate';
export type { Calibration, UsageSummary, UsageRates } from './calibrate';
export { findPrice, similarModels, PRICE_TABLE, FALLBACK_MODEL } from './prices';
export { countTokens, countPromptTokens, encodingFor, fileCountBudget } from './tokens';
