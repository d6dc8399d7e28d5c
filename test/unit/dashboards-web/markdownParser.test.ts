import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSafeHref, parseInline, parseMarkdown, type Inline } from '../../../webview/src/markdown/markdownParser';

// The notes' Markdown subset: what is a link, what stays text, and that markup never becomes anything but text.

function text(inlines: readonly Inline[]): string {
  return inlines.map((i) => (i.type === 'text' || i.type === 'code' ? i.text : text(i.children))).join('');
}

describe('notes Markdown', () => {
  test('paragraphs, headings, lists and fenced code', () => {
    const blocks = parseMarkdown('# Title\n\nfirst line\nsame paragraph\n\n- one\n- two\n  continued\n\n1. a\n2. b\n\n```\n<b>code</b>\n```');
    assert.deepEqual(
      blocks.map((b) => b.type),
      ['heading', 'paragraph', 'list', 'list', 'code'],
    );
    assert.equal(blocks[0].type === 'heading' && blocks[0].level, 1);
    assert.equal(blocks[1].type === 'paragraph' && text(blocks[1].inlines), 'first line same paragraph');
    assert.equal(blocks[2].type === 'list' && !blocks[2].ordered && blocks[2].items.map(text).join('|'), 'one|two continued');
    assert.equal(blocks[3].type === 'list' && blocks[3].ordered, true);
    assert.equal(blocks[4].type === 'code' && blocks[4].text, '<b>code</b>');
  });

  test('emphasis, strong and code spans; snake_case names are not emphasis', () => {
    assert.deepEqual(parseInline('a *b* **c** `d*e*` learning_rate_decay'), [
      { type: 'text', text: 'a ' },
      { type: 'em', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'strong', children: [{ type: 'text', text: 'c' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'd*e*' },
      { type: 'text', text: ' learning_rate_decay' },
    ]);
    assert.deepEqual(parseInline('\\*not em\\*'), [{ type: 'text', text: '*not em*' }]);
  });

  test('only http(s) links are links; javascript:, data: and relative targets stay text as written', () => {
    assert.deepEqual(parseInline('[docs](https://mlflow.org/docs "MLflow")'), [
      { type: 'link', href: 'https://mlflow.org/docs', children: [{ type: 'text', text: 'docs' }] },
    ]);
    for (const source of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](data:text/html,<script>1</script>)', '[x](/etc/passwd)', '[x](vbscript:1)']) {
      assert.deepEqual(parseInline(source), [{ type: 'text', text: source }], source);
    }
    assert.equal(isSafeHref('https://example.com/a b'), false);
    assert.equal(isSafeHref('http://example.com'), true);
  });

  test('raw HTML is text', () => {
    const source = `<img src=x onerror="alert(1)"> <script>alert(2)</script>`;
    assert.deepEqual(parseInline(source), [{ type: 'text', text: source }]);
  });
});
