import { ProviderError, ValidationError } from '../errors.js';
import { OFFLINE_MODEL } from '../catalog/catalogs.js';
import { renderPreview } from '../images/renderPreview.js';
import type { ImageProvider, ProviderCallOptions, ProviderRequest, ProviderResult } from './types.js';

/**
 * A provider with no network and no account (DESIGN §4): renders a deterministic PNG preview of the
 * request locally, marked "OFFLINE PREVIEW", at the requested ratio and resolution, showing the
 * prompt and the references. It lets the product and every test run without a provider key.
 * One image per call: the core asks again for each image it wants.
 */
export class OfflineProvider implements ImageProvider {
  readonly id = 'offline' as const;

  /**
   * @throws the signal's reason when aborted; ProviderError `invalid_request` for a malformed aspect
   *   ratio, `bad_response` when rendering fails.
   */
  async generate(request: ProviderRequest, { signal }: ProviderCallOptions): Promise<ProviderResult> {
    signal.throwIfAborted();
    let bytes: Buffer;
    try {
      bytes = await renderPreview(request, signal);
    } catch (error) {
      signal.throwIfAborted();
      if (error instanceof ValidationError) {
        throw new ProviderError('invalid_request', this.id, error.message, { cause: error });
      }
      throw new ProviderError('bad_response', this.id, 'The offline preview could not be rendered.', { cause: error });
    }
    return { model: OFFLINE_MODEL, images: [{ bytes, mime: 'image/png' }] };
  }
}
