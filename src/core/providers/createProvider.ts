import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { NbapiProvider } from './nbapi.js';
import { NbproProvider } from './nbpro.js';
import { OfflineProvider } from './offline.js';
import type { ImageProvider } from './types.js';
import type { ProviderId } from '../vocabulary.js';

export type ProviderSettings =
  | { readonly id: 'nbpro'; readonly apiKey: string; readonly baseUrl: string }
  | { readonly id: 'nbapi'; readonly apiKey: string; readonly baseUrl: string }
  | { readonly id: Extract<ProviderId, 'offline'> };

/** Builds the configured provider client. */
export function createProvider(settings: ProviderSettings, deps: { logger: Logger; dispatcher?: Dispatcher }): ImageProvider {
  const extra = { logger: deps.logger, ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}) };
  switch (settings.id) {
    case 'nbpro':
      return new NbproProvider({ apiKey: settings.apiKey, baseUrl: settings.baseUrl, ...extra });
    case 'nbapi':
      return new NbapiProvider({ apiKey: settings.apiKey, baseUrl: settings.baseUrl, ...extra });
    case 'offline':
      return new OfflineProvider();
  }
}
