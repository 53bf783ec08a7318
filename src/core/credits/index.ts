export { accountKey, platformOf, requirePlatform } from './accountKey.js';
export { MAX_CREDITS } from './validation.js';
export { CreditService } from './CreditService.js';
export type {
  AdminAction,
  CreditServiceOptions,
  HoldInput,
  HoldResult,
  SettleInput,
  SettleResult,
} from './types.js';
