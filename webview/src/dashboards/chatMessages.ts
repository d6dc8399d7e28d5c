import { el } from '../components/dom';

/** One message of a chat exchange, as OpenAI-style APIs (and MLflow's chat spans) carry it. */
interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/**
 * The chat messages a span's inputs or outputs hold, or undefined when they hold none: `messages`
 * (requests) or `choices[].message` (responses), with string content (or text parts).
 */
export function chatMessagesOf(value: unknown): ChatMessage[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const candidates = Array.isArray(record.messages)
    ? record.messages
    : Array.isArray(record.choices)
      ? record.choices.map((choice) => (choice as { message?: unknown } | null)?.message)
      : undefined;
  if (candidates === undefined || candidates.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (const candidate of candidates) {
    const message = candidate as { role?: unknown; content?: unknown } | null;
    if (message === null || typeof message !== 'object' || typeof message.role !== 'string') return undefined;
    messages.push({ role: message.role, content: contentText(message.content) });
  }
  return messages;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown } | null)?.text ?? JSON.stringify(part)))).join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** Messages as a conversation: one bubble per message, by role. */
export function conversation(messages: readonly ChatMessage[]): HTMLElement {
  return el(
    'div',
    { className: 'chat', attrs: { 'data-name': 'chat' } },
    ...messages.map((message) =>
      el('div', { className: `chat-message chat-${message.role === 'user' || message.role === 'assistant' || message.role === 'system' ? message.role : 'other'}` }, el('div', { className: 'chat-role', text: message.role }), el('div', { className: 'chat-content', text: message.content })),
    ),
  );
}
