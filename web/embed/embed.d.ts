// Types of `wanedit/embed` (web/embed/embed.js). Documentation: web/embed/README.md.

/** The operations an editor can offer (its tabs). */
export type Operation =
  | 'image_reference'
  | 'video_repainting'
  | 'video_edit'
  | 'video_extension'
  | 'video_outpainting'
  | 'wan27_edit';

/** Options of `mount` and `update` (attributes of `<wanedit-editor>` set the same ones). */
export interface EditorOptions {
  /** The relay upstream URL, e.g. `https://relay.example.com/intl`. Default: where embed.js came from. */
  relay?: string;
  /** The operations offered: an array or a space/comma-separated string. Default: all six. */
  operations?: Operation[] | string;
  /** `en` or `zh`. Default: the browser's language. */
  lang?: 'en' | 'zh' | string;
  /** `relay`: the relay holds the DashScope key; `own`: the user types one (kept in memory). */
  keyMode?: 'relay' | 'own';
  /** With `keyMode: 'own'`: a key to start with (never stored). */
  apiKey?: string;
  /** The relay's access token, if it requires one (never stored). */
  relayToken?: string;
  /** A create-task request body to prefill; it picks the operation. */
  body?: object | string;
  /** Keep the task list in localStorage under this name (default: memory only). */
  storageKey?: string;
  /** `X-DashScope-WorkSpace`. */
  workspace?: string;
  /** `light`, `dark`, or `auto` (follow the OS setting; the default). */
  theme?: 'light' | 'dark' | 'auto';
  /** Hide the "Load the account's tasks" button. */
  hideAccountTasks?: boolean;
}

/** A validation issue, as wanedit-core reports it. */
export interface Issue {
  path: string;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/** `event.detail` of each event, by event name. */
export interface EditorEventMap {
  'wanedit-ready': CustomEvent<Record<string, never>>;
  'wanedit-validation': CustomEvent<{ operation: Operation; valid: boolean; issues: Issue[]; body: object }>;
  'wanedit-submitted': CustomEvent<{ taskId: string; operation: Operation; model: string; requestId: string; body: object }>;
  'wanedit-status': CustomEvent<{ taskId: string; status: string; task: object }>;
  'wanedit-succeeded': CustomEvent<{ taskId: string; videoUrl: string; task: object }>;
  'wanedit-failed': CustomEvent<
    | { taskId: string; status: string; code?: string; message?: string; task: object }
    | { stage: 'submit'; operation: Operation; message: string; issues: Issue[] }
  >;
  'wanedit-error': CustomEvent<{ message: string; code?: 'origin_refused' | 'relay_unreachable' | 'relay_config_failed' }>;
}

/** A mounted editor. */
export interface EditorHandle {
  readonly element: Element;
  /** The current request body of the shown form. */
  getBody(): object;
  /** Prefills the form of the body's operation. Throws, naming `body`, on a bad body. */
  setBody(body: object | string): void;
  /** Changes options. Throws, naming the option, on a bad one. */
  update(options: EditorOptions): void;
  /** Removes the editor and stops every request, timer and listener it started. */
  unmount(): void;
}

/** Mounts an editor in `element`'s open shadow root; resolves once it is interactive. */
export function mount(element: Element, options?: EditorOptions): Promise<EditorHandle>;

/** `<wanedit-editor>`. */
export class WaneditEditor extends HTMLElement {
  /** Resolves once the editor is interactive. */
  ready: Promise<void>;
  getBody(): object;
  setBody(body: object | string): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'wanedit-editor': WaneditEditor;
  }
}
