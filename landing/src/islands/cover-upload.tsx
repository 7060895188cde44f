import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { createRoot } from 'react-dom/client';

// The cover upload on an article's page (for its editors): a React island that enhances the plain
// form `form[data-cover-upload]`, which works on its own without JavaScript. It adds a drop zone, a
// preview, a check of the file before it is sent, and the upload's progress. The form's own file
// input stays the source of the file (a drop is put into it), so the form sends what it would send.
// Loaded by the app's article page (src/features/news/views/article-page.tsx) as a module script;
// the CSP allows no inline style or blob: image, so styles are classes in public/app.css and the
// preview is a data: URL.

/** What the server takes; it checks again. The largest size is the input's data-max-bytes (the page says it). */
const COVER_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const FALLBACK_MAX_BYTES = 10 * 1024 * 1024;

type Sending = { kind: 'idle' } | { kind: 'sending'; percent: number | null };

interface Chosen {
  name: string;
  size: string;
  preview: string | null;
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}

/** Why the file cannot be the cover, in words that say what to do instead; null when it can. */
function refusal(file: File, maxBytes: number): string | null {
  if (!COVER_TYPES.includes(file.type)) return `"${file.name}" is not a JPEG, PNG or WebP image: choose an image in one of those formats.`;
  if (file.size > maxBytes) return `"${file.name}" is ${sizeText(file.size)}; a cover may be at most ${sizeText(maxBytes)}: choose a smaller image.`;
  return null;
}

function maxBytesOf(input: HTMLInputElement): number {
  const given = Number(input.dataset.maxBytes);
  return Number.isSafeInteger(given) && given > 0 ? given : FALLBACK_MAX_BYTES;
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

/**
 * Sends the form as the browser would (its FormData: `_csrf` first, then the file), with the token
 * in the header too, reporting progress. Resolves with the answer after the server's 303 is followed.
 */
function sendForm(form: HTMLFormElement, onProgress: (percent: number | null) => void): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (event) => onProgress(event.lengthComputable ? Math.round((event.loaded / event.total) * 100) : null);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(new FormData(form));
  });
}

/**
 * Shows the page the server answered with (the article, with its "saved" message, which a second
 * request would no longer carry): its main part replaces ours. Another page (a sign-in page after
 * the session ended) is opened instead.
 */
function showAnswer(html: string, url: string): void {
  const next = new DOMParser().parseFromString(html, 'text/html').querySelector('main');
  const current = document.querySelector('main');
  if (!next || !current || url !== window.location.href.split('#')[0]) {
    window.location.assign(url);
    return;
  }
  current.replaceWith(document.adoptNode(next));
  enhanceCoverForms();
  // Focus moves to what changed, so screen readers read the message.
  const message = next.querySelector<HTMLElement>('.alert') ?? next.querySelector<HTMLElement>('h1');
  if (message) {
    message.tabIndex = -1;
    message.focus();
  }
}

/** The refusal the server wrote above the form, from the article page it answered with. */
function serverRefusal(html: string): string | null {
  const text = new DOMParser().parseFromString(html, 'text/html').getElementById('cover-error')?.textContent?.trim();
  return text || null;
}

function CoverUpload({ form, input }: { form: HTMLFormElement; input: HTMLInputElement }) {
  const hintId = useId();
  const slot = useRef<HTMLSpanElement>(null);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState<Sending>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const busy = useRef(false);

  // The form's own input moves into the drop zone, covering it: a click anywhere in the zone, or
  // Enter/Space on the focused input, opens the browser's file chooser, and screen readers still
  // announce the input with its label.
  useEffect(() => {
    slot.current?.appendChild(input);
    input.classList.add('cover-drop-input');
    input.setAttribute('aria-describedby', hintId);
  }, [input, hintId]);

  useEffect(() => {
    let reading = 0;
    const onChange = () => {
      const file = input.files?.[0];
      const turn = ++reading;
      setProblem(null);
      if (!file) return setChosen(null);
      const refused = refusal(file, maxBytesOf(input));
      setChosen({ name: file.name, size: sizeText(file.size), preview: null });
      if (refused) return setProblem(refused);
      readAsDataUrl(file).then(
        (preview) => turn === reading && setChosen({ name: file.name, size: sizeText(file.size), preview }),
        () => turn === reading && setProblem(`"${file.name}" could not be read: choose it again.`),
      );
    };
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      if (busy.current) return;
      const file = input.files?.[0];
      const refused = file ? refusal(file, maxBytesOf(input)) : 'Choose an image first.';
      if (refused) {
        setProblem(refused);
        input.focus();
        return;
      }
      // One upload at a time: the form's button waits for this one.
      const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
      busy.current = true;
      if (button) button.disabled = true;
      setProblem(null);
      setSending({ kind: 'sending', percent: 0 });
      const done = (message: string | null) => {
        busy.current = false;
        if (button) button.disabled = false;
        setSending({ kind: 'idle' });
        setProblem(message);
      };
      sendForm(form, (percent) => setSending({ kind: 'sending', percent })).then(
        (xhr) => {
          if (xhr.status >= 200 && xhr.status < 300) return showAnswer(xhr.responseText, xhr.responseURL);
          done(serverRefusal(xhr.responseText) ?? `The cover was not saved (the server answered ${xhr.status}): reload the page and try again.`);
        },
        () => done('The cover could not be sent: the connection failed. Check the connection and try again.'),
      );
    };
    input.addEventListener('change', onChange);
    form.addEventListener('submit', onSubmit);
    return () => {
      input.removeEventListener('change', onChange);
      form.removeEventListener('submit', onSubmit);
    };
  }, [form, input]);

  const dragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (!file || busy.current) return;
    // The dropped file goes into the form's input, as if it had been chosen there.
    const files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };

  const percent = sending.kind === 'sending' ? sending.percent : null;
  return (
    <div className="cover-upload" data-testid="cover-upload">
      <div
        className={`cover-drop${dragging ? ' cover-drop-over' : ''}`}
        onDragEnter={dragOver}
        onDragOver={dragOver}
        onDragLeave={(event) => {
          // Leaving for the input inside the zone is not leaving the zone.
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={drop}
        aria-busy={sending.kind === 'sending'}
      >
        <span ref={slot} />
        <span className="cover-drop-text" id={hintId}>
          {chosen ? (
            <>
              <strong>{chosen.name}</strong> ({chosen.size}). Drop or choose another image to change it.
            </>
          ) : (
            <>
              <strong>Drop an image here</strong> or click to choose one.
            </>
          )}
        </span>
      </div>
      {chosen?.preview && !problem ? (
        <img
          className="cover-preview"
          src={chosen.preview}
          alt={`Preview of ${chosen.name}`}
          data-testid="cover-preview"
          // A file named as an image that is none shows no broken picture; the server says what is wrong.
          onError={() => setChosen((now) => now && { ...now, preview: null })}
        />
      ) : null}
      {sending.kind === 'sending' ? (
        <div className="cover-progress" data-testid="cover-progress">
          <progress max={100} value={percent ?? undefined} aria-label="Sending the cover" />
          {/* Said once to screen readers; the percentage is the progress bar's value. */}
          <span role="status">Sending the cover…</span>
          {percent === null ? null : <span aria-hidden="true">{percent}%</span>}
        </div>
      ) : null}
      {problem ? (
        <div className="alert alert-danger py-2 mb-2" role="alert" data-testid="cover-problem">
          {problem}
        </div>
      ) : null}
    </div>
  );
}

/** Enhances every cover form on the page that is not enhanced yet. */
function enhanceCoverForms(): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-cover-upload]:not([data-enhanced])')) {
    const input = form.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input) continue;
    form.dataset.enhanced = '';
    const host = document.createElement('div');
    form.insertBefore(host, input.closest('.input-group') ?? input);
    createRoot(host).render(<CoverUpload form={form} input={input} />);
  }
}

enhanceCoverForms();
