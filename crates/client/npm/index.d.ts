// Types of the npm package `wanedit` (hand-written; they follow crates/client/src/js.rs and
// wanedit-core's serde types, and CI checks that they do: crates/client/tests/typescript.rs
// against the Rust types, crates/client/tests/types.spec.mjs with tsc against the package).
// Data objects keep DashScope's snake_case names exactly; options are camelCase.

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** Where to get a WebAssembly module: a URL, a fetch `Response`, its bytes, or a compiled module. */
export type WasmSource =
  | string
  | URL
  | Request
  | Response
  | Promise<Response>
  | BufferSource
  | WebAssembly.Module;

export interface InitOptions {
  /** The main module (default: `wanedit_bg.wasm` next to the package's `index.js`). */
  module?: WasmSource;
  /** Also load the probe module that `probeMedia` needs. */
  probe?: boolean;
  /** The probe module (default: `probe/wanedit_probe_bg.wasm` next to `index.js`). */
  probeModule?: WasmSource;
  /**
   * The upload module, which the first `Client.upload` loads (default:
   * `upload/wanedit_upload_bg.wasm` next to `index.js`).
   */
  uploadModule?: WasmSource;
}

/**
 * Loads the WebAssembly module. Await it once before anything else in a browser or bundler;
 * later calls return the same promise. In Node, importing the package loads it already (this
 * resolves at once).
 */
export function init(options?: InitOptions): Promise<void>;

/** Loads the main module synchronously from its bytes or a compiled module. */
export function initSync(options: { module: BufferSource | WebAssembly.Module }): void;

/** Loads the media module (once) that `probeMedia` and `checkMedia` need. Node loads it on first use. */
export function loadProbe(module?: WasmSource): Promise<void>;

// ---------------------------------------------------------------------------------------------
// Validation and helpers
// ---------------------------------------------------------------------------------------------

/** A stable snake_case identifier of a kind of issue. */
export type IssueCode =
  | 'not_an_object'
  | 'missing_field'
  | 'wrong_type'
  | 'empty_value'
  | 'unknown_model'
  | 'model_region_mismatch'
  | 'unknown_function'
  | 'unexpected_field'
  | 'ignored_field'
  | 'invalid_value'
  | 'out_of_range'
  | 'prompt_too_long'
  | 'invalid_url'
  | 'url_has_chinese'
  | 'too_many_items'
  | 'too_few_items'
  | 'length_mismatch'
  | 'conflicting_fields'
  | 'invalid_format'
  | 'invalid_dimensions'
  | 'file_too_large'
  | 'duration_too_long'
  | 'duration_too_short'
  | 'frame_rate_too_low'
  | 'invalid_aspect_ratio'
  | 'has_alpha'
  | 'duplicate_key'
  | 'mask_empty'
  | 'mask_full';

/** One finding about a request body or a media file. */
export interface Issue {
  /** Dotted JSON path of the field (`input.media[1].type`); `""` for the body itself. */
  path: string;
  /** What kind of problem it is. */
  code: IssueCode;
  /** A sentence naming the field, the value and what is allowed. */
  message: string;
  /** `error`: DashScope would reject the body. `warning`: it accepts it but changes it. */
  severity: 'error' | 'warning';
}

/** A create-task body (see DashScope's documentation; every documented rule is checked by `validate`). */
export interface CreateTaskBody {
  /** `wan2.1-vace-plus` (Singapore), `wanx2.1-vace-plus` (Beijing) or `wan2.7-videoedit`. */
  model: string;
  input: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Every issue of a create-task body; `[]` when valid. Throws a `WanError` (`invalid_request`) for a value that is not JSON. */
export function validate(body: unknown): Issue[];

/** Whether the body has an `oss://` URL (the create call then must send `X-DashScope-OssResourceResolve: enable`). */
export function needsOssResolve(body: unknown): boolean;

/** A runnable curl command creating the task at `baseUrl`; the key is left as `$DASHSCOPE_API_KEY`. */
export function toCurl(body: unknown, baseUrl: string): string;

// ---------------------------------------------------------------------------------------------
// Media
// ---------------------------------------------------------------------------------------------

export type MediaFormat = 'jpeg' | 'png' | 'bmp' | 'tiff' | 'webp' | 'mp4' | 'mov';

/** What a media file is, as far as its headers tell. */
export interface MediaInfo {
  format: MediaFormat;
  /** Pixels (display width for video). */
  width: number;
  height: number;
  /** Size of the file in bytes. */
  byte_size: number;
  /** Images: whether it has an alpha channel (PNG; absent where unknown). */
  has_alpha?: boolean;
  /** Videos: seconds. */
  duration_s?: number;
  /** Videos: frames per second. */
  fps?: number;
  /** Videos: number of frames. */
  frame_count?: number;
}

/**
 * A media role: a VACE input field (`ref_images_url`, `first_frame_url`, `last_frame_url`,
 * `video_url`, `mask_video_url`, `first_clip_url`, `last_clip_url`, `mask_image_url`), a
 * wan2.7 media type (`video`, `reference_image`), or a role name of wanedit-core.
 */
export type MediaRoleName =
  | 'ref_images_url'
  | 'first_frame_url'
  | 'last_frame_url'
  | 'video_url'
  | 'mask_video_url'
  | 'first_clip_url'
  | 'last_clip_url'
  | 'mask_image_url'
  | 'video'
  | 'reference_image'
  | 'vace_image'
  | 'vace_video'
  | 'vace_clip'
  | 'mask_image'
  | 'wan27_video'
  | 'wan27_image';

/**
 * Reads an image's or video's headers (JPEG, PNG, BMP, TIFF, WEBP, MP4, MOV). Pass the whole
 * file. Throws a `WanError` of kind `invalid_media` for bytes it cannot read. Needs the probe
 * module: `await loadProbe()` first in a browser (Node loads it on first use).
 */
export function probeMedia(bytes: Uint8Array | ArrayBuffer): MediaInfo;

/**
 * The documented limits of `role` applied to `info`, for `model` (a field of the other model
 * family is refused). Issues are reported at `input.<field>` (VACE) or `input.media` (wan2.7).
 * Lives in the probe module too: `await loadProbe()` first in a browser.
 */
export function checkMedia(info: MediaInfo, role: MediaRoleName | string, model: string): Issue[];

// ---------------------------------------------------------------------------------------------
// DashScope answers (snake_case, exactly as sent; unknown fields are kept)
// ---------------------------------------------------------------------------------------------

export type TaskStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELED'
  | 'UNKNOWN'
  | 'SUSPENDED'
  | (string & {});

/** Answer of a create call. */
export interface CreateTaskResponse {
  request_id: string;
  output: { task_id: string; task_status: TaskStatus; [key: string]: unknown };
  [key: string]: unknown;
}

/** `output` of a task query. */
export interface TaskOutput {
  task_id: string;
  task_status: TaskStatus;
  /** `YYYY-MM-DD hh:mm:ss.mmm`, the service's local time. */
  submit_time?: string;
  scheduled_time?: string;
  end_time?: string;
  /** The result (MP4), valid for 24 hours. Never send the API key to it. */
  video_url?: string;
  orig_prompt?: string;
  /** The rewritten prompt (with `prompt_extend`). */
  actual_prompt?: string;
  /** Failure code (FAILED). */
  code?: string;
  /** Failure message (FAILED). */
  message?: string;
  task_metrics?: { TOTAL: number; SUCCEEDED: number; FAILED: number };
  [key: string]: unknown;
}

/** Billing figures of a finished task (VACE: `video_*`; wan2.7: `duration`, `SR`, …). */
export interface Usage {
  video_duration?: number;
  video_ratio?: string;
  video_count?: number;
  duration?: number;
  input_video_duration?: number;
  output_video_duration?: number;
  /** 720 or 1080; sometimes sent as a string. */
  SR?: number | string;
  [key: string]: unknown;
}

/** Answer of a task query. */
export interface TaskResponse {
  request_id: string;
  output: TaskOutput;
  usage?: Usage;
  [key: string]: unknown;
}

/** One entry of the task list (times in epoch milliseconds). */
export interface TaskListItem {
  task_id: string;
  status: TaskStatus;
  model_name?: string;
  region?: string;
  request_id?: string;
  gmt_create?: number;
  start_time?: number;
  end_time?: number;
  [key: string]: unknown;
}

/** Answer of the task list. */
export interface TaskListResponse {
  total: number;
  total_page: number;
  page_no: number;
  page_size: number;
  request_id: string;
  data: TaskListItem[];
  [key: string]: unknown;
}

/** Filters of the task list (DashScope's names). */
export interface TaskListQuery {
  task_id?: string;
  /** `YYYYMMDDhhmmss`; the span is at most 24 h; default the last 24 h. */
  start_time?: string;
  end_time?: string;
  model_name?: string;
  status?: TaskStatus;
  /** From 1 (default 1). */
  page_no?: number;
  /** Default 10. */
  page_size?: number;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * What went wrong, as a client acts on it: DashScope's error kinds, and the outcomes of a
 * wait and of the media probe.
 */
export type WanErrorKind =
  /** The request is wrong (400, 413, 415) or was refused before sending (`issues`): fix it. */
  | 'invalid_request'
  /** The API key is missing, wrong, or of the other region (401). */
  | 'auth'
  /** The account may not use this (403). */
  | 'permission'
  /** No such model or workspace (404). */
  | 'not_found'
  /** Content moderation refused the input. */
  | 'content_moderation'
  /** Too many requests (429) and the retries ran out (`retry_after_ms`). */
  | 'rate_limited'
  /** Arrears, unpaid bills, no quota: waiting does not help. */
  | 'quota_billing'
  /** Server trouble (5xx, 408), or an answer that is not the documented shape. */
  | 'server'
  /** The task id is unknown or older than 24 h (status UNKNOWN). */
  | 'expired'
  /** No HTTP answer (connection refused or dropped, DNS, CORS). */
  | 'network'
  /** The task ended FAILED (`code`, `message`, `task`). */
  | 'task_failed'
  /** The task was cancelled. */
  | 'canceled'
  /** `timeoutMs` passed (the task was cancelled first if `cancelOnTimeout` and still PENDING). */
  | 'timeout'
  /** The `signal` aborted. */
  | 'aborted'
  /** `probeMedia` could not read the bytes. */
  | 'invalid_media';

/** Every failure of this package (promises reject with it; synchronous functions throw it). */
export class WanError extends Error {
  constructor(message: string);
  name: 'WanError';
  kind: WanErrorKind;
  /** HTTP status, when there was an HTTP answer. */
  status?: number;
  /** DashScope's (or OSS's) error code, or a failed task's `output.code`. */
  code?: string;
  /** `request_id` of the answer concerned. */
  request_id?: string;
  /** The task concerned. */
  task_id?: string;
  /** The last task answer (errors of `wait` / `run`). */
  task?: TaskResponse;
  /** Validation issues of a refused body (`invalid_request` from `submit` / `run`). */
  issues?: Issue[];
  /** `Retry-After` of a throttled answer, in ms. */
  retry_after_ms?: number;
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/** Backoff of failed calls (reads during a wait retry without limit). */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  maxAttempts?: number;
  /** The first backoff step (default 1000). Doubles per attempt, with jitter. */
  baseDelayMs?: number;
  /** The longest backoff step (default 30000). */
  maxDelayMs?: number;
}

/**
 * Where a client keeps the run times of the tasks it waited for, to time its polls better for
 * the next ones (one JSON text under the key `wanedit.pollHistory.v1`). `localStorage` and
 * `sessionStorage` are such stores; so is any object with these two methods.
 */
export interface HistoryStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface ClientOptions {
  /**
   * DashScope's base URL (`https://dashscope-intl.aliyuncs.com`) or a relay upstream
   * (`http://127.0.0.1:8787/intl`), without `/api/v1`.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. Leave it out when a relay holds the key. */
  apiKey?: string;
  /** Sent as `X-DashScope-WorkSpace`. */
  workspace?: string;
  /** Sent as `X-Relay-Token` (a relay started with `--access-token`). */
  relayToken?: string;
  retry?: RetryOptions;
  /**
   * Virtual seconds per real second of the service's clock: 1 for DashScope (default); the
   * simulator's `--time-scale` when it runs faster, so polling keeps pace with it.
   */
  timeScale?: number;
  /**
   * Where the client keeps what it learns: each wait that succeeds adds its run time
   * (`end_time − scheduled_time`), and each wait's polls are timed for the account's earlier
   * run times (fewer requests for the same detection delay). Default: `localStorage` in
   * browsers, memory in Node; `null`: memory. A store that throws is ignored.
   */
  history?: HistoryStore | null;
}

export interface CallOptions {
  /** Aborts the call (it rejects with kind `aborted`). */
  signal?: AbortSignal;
}

export interface WaitOptions extends CallOptions {
  /** Give up after this many ms (kind `timeout`). */
  timeoutMs?: number;
  /**
   * Called with the task answer on every status change (the first answer included), and with
   * the first answer after failed polls (see `onRetry`).
   */
  onUpdate?: (task: TaskResponse) => void;
  /**
   * Called when a poll failed and will be retried (network errors, 429, 5xx never end a
   * wait): the error (kind `network`, `rate_limited`, `server`, …) and the wait before the
   * next try in ms, e.g. to show "not answering, trying again in 4 s".
   */
  onRetry?: (error: WanError, delayMs: number) => void;
  /** On timeout, first cancel the task if it is still PENDING. */
  cancelOnTimeout?: boolean;
  /**
   * The task's model, which picks the poll schedule. Known for tasks this client submitted;
   * otherwise the generic (shorter) schedule is used.
   */
  model?: string;
  /**
   * The task's create-task body, for a task this client did not submit (one submitted before
   * a page reload, say): polls are timed for this request's run time.
   */
  request?: CreateTaskBody;
  /**
   * When the task was submitted (`Date.now()` then): the poll schedule counts from it. Known
   * for tasks this client submitted; otherwise the first poll is the start.
   */
  submittedAt?: number;
  /**
   * The input video's length in seconds (e.g. a `<video>` element's `duration`). A
   * wan2.7-videoedit request without `parameters.duration` outputs that long, so polls are
   * timed for its real run rather than for any output from 2 to 10 s. Must be > 0.
   */
  inputVideoSeconds?: number;
}

export interface RunOptions extends CallOptions {
  /** Give up waiting after this many ms from the submission (kind `timeout`). */
  timeoutMs?: number;
  /** Called with the new task id as soon as it is known, before the wait starts. */
  onSubmitted?: (taskId: string) => void;
  /** As for `wait`. */
  onUpdate?: (task: TaskResponse) => void;
  /** As for `wait`. */
  onRetry?: (error: WanError, delayMs: number) => void;
  /** As for `wait`. */
  cancelOnTimeout?: boolean;
  /** As for `wait`. */
  inputVideoSeconds?: number;
}

export interface UploadOptions extends CallOptions {
  /** The model the file is for (an upload works only for the model of its policy). */
  model: string;
  /** The file name in the object key (default: the `File`'s name, else `upload.<ext>`). */
  filename?: string;
  /**
   * Progress, 0 to 1. In browsers the form is sent with `XMLHttpRequest` and progress is
   * reported as it goes; where there is no `XMLHttpRequest` (Node) `fetch` is used, which
   * has no upload progress, and only 0 and 1 are reported.
   */
  onProgress?: (fraction: number) => void;
}

/**
 * The DashScope client. Every request is retried on transient failures with backoff
 * (`Retry-After` honoured); a submit is retried only on a 429 that waiting cures (submitting
 * is billed).
 */
export class Client {
  /** Throws a `WanError` (`invalid_request`) for wrong options. */
  constructor(options: ClientOptions);

  /**
   * Validates `body` and creates a task. A body with an error-severity issue rejects with
   * kind `invalid_request` and `issues`, and nothing is sent. Adds
   * `X-DashScope-OssResourceResolve: enable` when the body has an `oss://` URL.
   */
  submit(body: CreateTaskBody, options?: CallOptions): Promise<CreateTaskResponse>;

  /** Queries a task once. */
  get(taskId: string, options?: CallOptions): Promise<TaskResponse>;

  /**
   * Polls a task until it ends: resolves on SUCCEEDED; rejects with kind `task_failed`,
   * `canceled`, `expired`, `timeout` or `aborted`, or with an error waiting cannot cure
   * (`auth`, …). Network errors, 429 and 5xx never reject a wait: they are retried
   * (`onRetry` hears of each). A wait that succeeds adds its run time to the `history`.
   */
  wait(taskId: string, options?: WaitOptions): Promise<TaskResponse>;

  /** `submit` then `wait`. */
  run(body: CreateTaskBody, options?: RunOptions): Promise<TaskResponse>;

  /** Cancels a PENDING task; any other status rejects (HTTP 400, kind `invalid_request`). */
  cancel(taskId: string, options?: CallOptions): Promise<void>;

  /** Lists the account's tasks. */
  list(query?: TaskListQuery, options?: CallOptions): Promise<TaskListResponse>;

  /**
   * Uploads a file for `model` and resolves to its `oss://` URL (valid 48 h, for that model
   * only): asks `{baseUrl}/api/v1/uploads?action=getPolicy&model=…` for a policy, then posts
   * the form to its `upload_host` (resolved against `baseUrl`; through a relay, the relay).
   */
  upload(file: Blob | Uint8Array, options: UploadOptions): Promise<string>;

  /** Frees the WebAssembly side now (otherwise the garbage collector does). */
  free(): void;
}
