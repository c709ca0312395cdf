export { estimateSite, dailyCost, annotatedVolume, DAYS_PER_MONTH } from './estimate';
export type { DailyCost } from './estimate';
export { findPrice, similarModels, PRICE_TABLE, FALLBACK_MODEL } from './prices';
export { countTokens, countPromptTokens, encodingFor, fileCountBudget } from './tokens';
