/** Command and option names: the one spelling shared by the registered data, the handlers and the tests. */
export const COMMAND = {
  imagine: 'imagine',
  edit: 'edit',
  editImage: 'Edit image',
  credits: 'credits',
  history: 'history',
  admin: 'admin',
} as const;

export const OPTION = {
  prompt: 'prompt',
  aspectRatio: 'aspect_ratio',
  resolution: 'resolution',
  model: 'model',
  count: 'count',
  image: 'image',
  image2: 'image2',
  image3: 'image3',
  user: 'user',
  amount: 'amount',
  reason: 'reason',
} as const;

/** Attachment options in the order they appear; `/imagine` offers as many as the provider takes (up to 3). */
export const IMAGE_OPTIONS = [OPTION.image, OPTION.image2, OPTION.image3] as const;

export const ADMIN_SUBCOMMAND = { grant: 'grant', set: 'set', balance: 'balance' } as const;

/** Modal field ids. */
export const FIELD = { prompt: 'prompt', files: 'files' } as const;
