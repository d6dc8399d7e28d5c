import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineDiscipline } from '../../../src/core/launches/terminalInput';

function discipline() {
  const events: string[] = [];
  const echoed: string[] = [];
  const input = new LineDiscipline({
    echo: (text) => echoed.push(text),
    send: (line) => events.push(`send ${JSON.stringify(line)}`),
    interrupt: () => events.push('interrupt'),
    endInput: () => events.push('end'),
  });
  return { input, events, echoed };
}

describe('typing into a launched script', () => {
  test('characters echo, Enter sends the line, Backspace erases (whole characters)', () => {
    const { input, events, echoed } = discipline();
    input.handle('yes');
    input.handle('\x7f');
    input.handle('s✓');
    input.handle('\x7f');
    input.handle('\r');
    assert.deepEqual(events, ['send "yes\\n"']);
    assert.equal(echoed.join(''), 'yes\b \bs✓\b \b\r\n');
  });

  test('a paste with several lines sends each once, \\r\\n counting as one Enter', () => {
    const { input, events } = discipline();
    input.handle('a\r\nb\rc\n');
    assert.deepEqual(events, ['send "a\\n"', 'send "b\\n"', 'send "c\\n"']);
  });

  test('Ctrl+C interrupts and drops the line; Ctrl+D ends input only on an empty line; arrow keys do nothing', () => {
    const { input, events } = discipline();
    input.handle('half');
    input.handle('\x03');
    input.handle('x\x04');
    input.handle('\x1b[A\x1b[D\x1bOP');
    input.handle('\x7f\x04');
    assert.deepEqual(events, ['interrupt', 'end']);
  });
});
