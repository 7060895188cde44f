import type { FlashMessage } from './page.js';

export function Flash({ messages }: { messages: FlashMessage[] }) {
  if (messages.length === 0) return '';
  return (
    <div class="flash-messages">
      {messages.map((m) => (
        <div class={`alert alert-${m.kind} alert-dismissible fade show`} role={m.kind === 'danger' ? 'alert' : 'status'}>
          <span safe>{m.text}</span>
          <button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="Close"></button>
        </div>
      ))}
    </div>
  );
}
