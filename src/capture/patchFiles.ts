import { DiffSectionSplitter } from './diffSections';

/** A patch (`git diff` output, as the capture writes `runlens/diff.patch`) by file: each file's section. */
export function patchSections(patch: string): Map<string, string> {
  const sections = new Map<string, string>();
  const splitter = new DiffSectionSplitter(Number.MAX_SAFE_INTEGER, (section) => {
    if (section.path !== undefined && section.bytes) sections.set(section.path, section.bytes.toString('utf8'));
  });
  splitter.write(Buffer.from(patch, 'utf8'));
  splitter.end();
  return sections;
}
