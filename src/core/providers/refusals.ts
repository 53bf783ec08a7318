/**
 * Telling a provider's refusal of a prompt from its failures (the Providers issue, point 7), in one
 * table. Neither API document describes refusals: both resell Gemini image models, and what they
 * relay is Gemini's own verdict (a `finishReason` or `promptFeedback.blockReason` name, an SDK's
 * sentence built from it) or a reseller's wording of it. Each row is written from the replies in its
 * `examples`: quoted from where they were seen, or, for a bare enum name, printed the way clients
 * print it (`blockReason: SAFETY`, Go's `BlockedReasonSafety`). The unit test classifies every example
 * through the whole table, so a row cannot drift from what it was written for, nor swallow another
 * row's examples.
 *
 * Patterns are anchored to content words (`content policy`, `safety system`, `prohibited content`) or
 * to Gemini's upper-case enum names, never to a bare `policy`, `blocked` or `refused`: an ordinary error
 * ("retry policy", "access prohibited", "IP blocklisted", "connection refused") must stay what it is.
 *
 * "Gemini enums" below means the `FinishReason` and `BlockReason` enums of the Gemini API reference
 * (https://ai.google.dev/api/generate-content) and their descriptions in Google's genai SDK references.
 */
import type { RefusalReason } from '../errorCodes.js';

export interface RefusalPattern {
  readonly reason: RefusalReason;
  readonly pattern: RegExp;
  /** The provider replies the pattern was written from; each must classify as `reason`. */
  readonly examples: readonly string[];
}

/**
 * Every refusal the clients recognise; the first row that matches decides the reason, so the more
 * specific Gemini names come before the wordings that may accompany them.
 */
export const REFUSAL_PATTERNS: readonly RefusalPattern[] = [
  {
    // `SAFETY` and `IMAGE_SAFETY`, both finish and block reasons (Gemini enums), as relayed bare, as
    // the JS SDK words them ("Candidate was blocked due to SAFETY", "Text not available. Response was
    // blocked due to SAFETY"), as a chat front end relayed them (ChatGPTNextWeb/NextChat#3714), and as
    // a reseller wrapped IMAGE_SAFETY (jeffstric/ZJT#494). Go clients print the enum as
    // `BlockedReasonSafety` (one-api's "blocked: prompt: …" relay, as for prohibited content below).
    // Case-sensitive: upper-case "SAFETY" is the enum, lower-case "safety" is the next row's business.
    reason: 'safety',
    pattern: /(?<![A-Za-z])(?:IMAGE_)?SAFETY(?![A-Za-z])|BlockedReason(?:Image)?Safety\b/,
    examples: [
      'SAFETY',
      'IMAGE_SAFETY',
      'finishReason: IMAGE_SAFETY',
      'blockReason: SAFETY',
      '[GoogleGenerativeAI Error]: Candidate was blocked due to SAFETY',
      'Text not available. Response was blocked due to SAFETY',
      'Message is being blocked for reason: SAFETY',
      'Gemini image generation blocked [IMAGE_SAFETY]: The generated image was blocked due to safety policy violation, please modify your prompt and try again',
      'blocked: prompt: BlockedReasonSafety ()',
    ],
  },
  {
    // Safety in words: "safety settings" (Gemini's wording for a SAFETY block), resellers' "flagged by
    // the safety system", OpenAI's image API as resellers pass it on ("rejected as a result of our
    // safety system", mishl-dev/Discord-AI-Chatbot#160), and the BlockedReason.SAFETY description in
    // Google's js-genai reference ("blocked for safety reasons").
    reason: 'safety',
    pattern: /\bsafety (?:settings?|system|filters?|polic(?:y|ies)|reasons?|checks?|checker)\b/i,
    examples: [
      'The response was blocked due to safety settings',
      'Your prompt was flagged by the safety system',
      'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
      'The prompt was blocked for safety reasons.',
      'The generated image was blocked due to safety policy violation, please modify your prompt and try again',
    ],
  },
  {
    // Unsafe or sensitive output named as such: resellers' "sensitive content detected", a diffusion
    // pipeline's NSFW checker (OutofAi/OutofFocus#5), Google's image endpoints' error reason
    // `PUBLIC_ERROR_UNSAFE_GENERATION` (ffroliva/gflow-cli#342) and the IMAGE_SAFETY block reason's
    // description ("content that is unsafe for image generation", Gemini enums).
    reason: 'safety',
    pattern: /(?<![a-z])(?:unsafe[ _]generation|unsafe for image generation|nsfw content|sensitive (?:content|images?|prompts?) (?:was |were )?(?:detected|found|flagged))(?![a-z])/i,
    examples: [
      'sensitive content detected',
      'Potential NSFW content was detected in one or more images. A black image will be returned instead. Try again with a different prompt and/or seed.',
      'PUBLIC_ERROR_UNSAFE_GENERATION',
      'The prompt was blocked because it contains content that is unsafe for image generation.',
    ],
  },
  {
    // The content policy by name: resellers' "content policy violation" and OpenAI's image error code
    // `content_policy_violation`, which resellers forward (pollinations/pollinations#12067).
    reason: 'policy',
    pattern: /\bcontent[ _-]polic(?:y|ies)(?![a-z])/i,
    examples: ['content policy violation', 'content_policy_violation'],
  },
  {
    // A violation of "our policies": Vertex AI Imagen's block (epam/ai-dial-adapter-vertexai#48), the
    // Gemini image model's own text refusal (google-gemini/deprecated-generative-ai-js#432) and
    // OpenAI's "may violate our guardrails" (openai/codex#40816). The verb is required, so "retry
    // policy" or "see our privacy policy" is not a refusal.
    reason: 'policy',
    pattern: /\bviolat(?:e|es|ed|ing|ions?)\b[^.]{0,40}?\b(?:polic(?:y|ies)|guardrails|guidelines|terms of (?:use|service))\b/i,
    examples: [
      'Image generation failed with the following error: The response is blocked, as it may violate our policies. If you believe this is an error, please send feedback to your account team. Error Code: 58061214',
      'This query violates the policy against generating content that promotes or condones violence',
      'We’re so sorry, but the prompt may violate our guardrails around nudity, sexuality, or erotic content.',
    ],
  },
  {
    // A moderation verdict without a category: pollinations/pollinations#12067 ("rejected by content
    // moderation … flagged as disallowed").
    reason: 'policy',
    pattern: /\bcontent moderation\b|\bflagged as disallowed\b|\bdisallowed content\b/i,
    examples: [
      'Your request was rejected by content moderation. The prompt, input, or generated content was flagged as disallowed — adjust your input and try again.',
    ],
  },
  {
    // `blockReason: OTHER` (Gemini enums: "blocked for other reasons", e.g. the prompt's language or
    // other harmful content): the service's rules, with no category named. Only next to the block
    // reason's name, as Gemini's JSON, Python's `BlockedReason.OTHER` and Go's `BlockedReasonOther`
    // print it: a bare "other" means nothing.
    reason: 'policy',
    pattern: /\bblock(?:ed)?_?reason\W{0,4}other\b/i,
    examples: ['blockReason: OTHER', '"promptFeedback": {"blockReason": "OTHER"}', 'BlockedReason.OTHER', 'blocked: prompt: BlockedReasonOther ()'],
  },
  {
    // `PROHIBITED_CONTENT` and `IMAGE_PROHIBITED_CONTENT` (Gemini enums), as one-api relays the Go name
    // (immersive-translate/immersive-translate#2505), as llm-subtrans printed the Python one
    // (machinewrapped/llm-subtrans#292), as big-AGI worded it (enricoros/big-AGI#931), and resellers'
    // "Request contains prohibited content". "prohibited" alone ("access prohibited") is not enough.
    reason: 'prohibited',
    pattern: /prohibited_?content|\bprohibited (?:content|prompts?|terms?|words?|images?)\b/i,
    examples: [
      'PROHIBITED_CONTENT',
      'IMAGE_PROHIBITED_CONTENT',
      'blocked: prompt: BlockedReasonProhibitedContent () (request id: 2025020219165683414417178715728)',
      'Request was blocked by Gemini: BlockedReason.PROHIBITED_CONTENT',
      'Generation stopped: potentially prohibited content',
      'Request contains prohibited content',
      'The prompt was blocked because it contains prohibited content.',
    ],
  },
  {
    // `BLOCKLIST` (Gemini enums: "a term from the terminology blocklist"). Case-sensitive and whole, so
    // a network ban ("your IP is blocklisted") stays what it is.
    reason: 'prohibited',
    pattern: /(?<![A-Za-z])BLOCKLIST(?![A-Za-z])|BlockedReasonBlocklist\b|\bterminology blocklist\b/,
    examples: ['BLOCKLIST', 'blockReason: BLOCKLIST', 'The prompt was blocked because it contains a term from the terminology blocklist.'],
  },
  {
    // `RECITATION` and `IMAGE_RECITATION` (Gemini enums): the result would reproduce an existing work,
    // as in gemini-api-php/client#68 (copyrighted text), and worded by the JS SDK like SAFETY above.
    reason: 'copyright',
    pattern: /(?<![A-Za-z])(?:IMAGE_)?RECITATION(?![A-Za-z])/,
    examples: ['RECITATION', 'IMAGE_RECITATION', 'finishReason: RECITATION', '[GoogleGenerativeAI Error]: Candidate was blocked due to RECITATION'],
  },
  {
    // IMAGE_RECITATION's description in Google's genai references (Gemini enums).
    reason: 'copyright',
    pattern: /\bmay be a recitation\b/i,
    examples: ['Image generation stopped because the generated image may be a recitation from a source.'],
  },
  {
    // `NO_IMAGE` (Gemini enums: "the model was expected to generate an image, but none was generated").
    reason: 'no_image',
    pattern: /(?<![A-Za-z])NO_IMAGE(?![A-Za-z])/,
    examples: ['NO_IMAGE', 'finishReason: NO_IMAGE'],
  },
  {
    // No image, in words: NO_IMAGE's description (Gemini enums) and the client error resellers' users
    // see when a 200 reply carries none (help.apiyi.com, "Gemini did not return edited image data").
    // A missing input ("no image file provided") is a different thing and does not match.
    reason: 'no_image',
    pattern: /\bbut none was generated\b|\bdid(?: not|n[’']t) (?:return|generate|produce) (?:any |an? )?(?:edited )?image/i,
    examples: ['The model was expected to generate an image, but none was generated.', 'Error: Gemini did not return edited image data'],
  },
  {
    // An answer with text and no image: the model declining in its own words, as resellers relay it
    // with no image (help.apiyi.com: "I'm unable to assist with that."; the image model's sentence in
    // google-gemini/deprecated-generative-ai-js#432).
    reason: 'no_image',
    pattern: /\bI(?:[’']m| am) (?:unable|not able) to (?:assist|help|create|generate|make)\b/i,
    examples: ["I'm unable to assist with that.", 'I’m unable to create images that could be misused in this way. Is there something else I can help you create?'],
  },
];

/**
 * HTTP statuses (and nbapi envelope codes) whose error reply may be a refusal: a rejection of the
 * request (400, 422), a refusal to serve it (403) or a legal block (451). Not 401/402/429: they are
 * about the key, the account or pacing, and a refusal word there must not hide an operator's problem.
 * Not 5xx: a server error is the service failing, not the model's judgement of the prompt, and stays
 * `unavailable` so that it is retried and another provider tried.
 */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([400, 403, 422, 451]);

/** The reason `message` (a provider's words) refuses the prompt, or `undefined` when it does not. */
export function classifyRefusal(message: string | undefined): RefusalReason | undefined {
  if (message === undefined || message.trim().length === 0) return undefined;
  return REFUSAL_PATTERNS.find((row) => row.pattern.test(message))?.reason;
}

/** The refusal an error reply of `status` carries, or `undefined` when it is an ordinary failure. */
export function refusalOfErrorReply(status: number, message: string | undefined): RefusalReason | undefined {
  return REFUSAL_STATUSES.has(status) ? classifyRefusal(message) : undefined;
}
