// Typed use of the npm package, compiled by `tsc --noEmit` (strict) against the packed
// tarball's types by tests/types.spec.mjs. Each `@ts-expect-error` line must NOT compile, so
// the types cannot silently loosen (an unused `@ts-expect-error` is itself an error).
import {
  Client,
  WanError,
  checkMedia,
  init,
  loadProbe,
  needsOssResolve,
  probeMedia,
  toCurl,
  validate,
  type CreateTaskBody,
  type Issue,
  type IssueCode,
  type MediaInfo,
  type TaskResponse,
  type WanErrorKind,
} from 'wanedit';
import { mount, type EditorHandle } from 'wanedit/embed';

export async function use(file: Blob, element: Element): Promise<string> {
  await init({ probe: true, module: new URL('https://example.com/wanedit_bg.wasm') });
  await loadProbe();
  const body: CreateTaskBody = {
    model: 'wan2.7-videoedit',
    input: { prompt: 'make it snow', media: [{ type: 'video', url: 'https://example.com/in.mp4' }] },
  };
  const issues: Issue[] = validate(body);
  const codes: IssueCode[] = issues.map((i) => i.code);
  const severities: ('error' | 'warning')[] = issues.map((i) => i.severity);
  const oss: boolean = needsOssResolve(body);
  const curl: string = toCurl(body, 'https://dashscope-intl.aliyuncs.com');
  const info: MediaInfo = probeMedia(new Uint8Array(8));
  const more: Issue[] = checkMedia(info, 'video', 'wan2.7-videoedit');

  const client = new Client({
    baseUrl: 'http://127.0.0.1:8787/intl',
    relayToken: 't',
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    timeScale: 10,
  });
  const controller = new AbortController();
  const created = await client.submit(body, { signal: controller.signal });
  const id: string = created.output.task_id;
  const task: TaskResponse = await client.wait(id, {
    timeoutMs: 60_000,
    cancelOnTimeout: true,
    model: 'wan2.7-videoedit',
    submittedAt: Date.now(),
    inputVideoSeconds: 5,
    onUpdate: (t) => t.output.task_status,
    onRetry: (e: WanError, delayMs: number) => `${e.kind} ${delayMs}`,
    request: body,
  });
  const ran = await client.run(body, { onSubmitted: (taskId: string) => taskId, inputVideoSeconds: 3 });
  // The history store: localStorage, any getItem/setItem object, or null (memory).
  const memory = new Map<string, string>();
  const learning = new Client({
    baseUrl: 'http://127.0.0.1:8787/intl',
    history: { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => void memory.set(k, v) },
  });
  new Client({ baseUrl: 'http://127.0.0.1:8787/intl', history: null });
  new Client({ baseUrl: 'http://127.0.0.1:8787/intl', history: localStorage });
  // @ts-expect-error a store needs getItem and setItem
  new Client({ baseUrl: 'http://127.0.0.1:8787/intl', history: { getItem: (k: string) => k } });
  learning.free();
  const list = await client.list({ model_name: 'wan2.7-videoedit', page_no: 1 });
  await client.cancel(list.data[0].task_id);
  const url: string = await client.upload(file, { model: 'wan2.7-videoedit', onProgress: (f: number) => f });
  client.free();
  try {
    await client.get(id);
  } catch (e) {
    if (e instanceof WanError) {
      const kind: WanErrorKind = e.kind;
      const status: number | undefined = e.status;
      return `${kind} ${status} ${e.retry_after_ms} ${e.issues?.length}`;
    }
  }
  const editor: EditorHandle = await mount(element);
  editor.unmount();

  // @ts-expect-error baseUrl is required
  new Client({ apiKey: 'sk' });
  // @ts-expect-error options are camelCase (timeoutMs)
  await client.wait(id, { timeout_ms: 5 });
  // @ts-expect-error upload needs the model
  await client.upload(file, {});
  // @ts-expect-error not an issue code
  const wrong: IssueCode = 'no_such_code';
  // @ts-expect-error not an error kind
  const wrongKind: WanErrorKind = 'oops';
  return [codes, severities, oss, curl, more, task, ran, url, wrong, wrongKind].join();
}
