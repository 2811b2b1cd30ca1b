import { sectionSource, type SectionSource } from './section-source.js';
import { topLevelSections, type TopLevelSection } from './top-level-sections.js';

/** The top-level key dockstack writes back: what actually runs. */
export const REGISTERED_KEY = 'registered_services';

/** Where `registered_services` is in the text of an environment file, or where it goes. */
export interface RegisteredSection {
  sections: TopLevelSection[];
  /** The section as it stands, parsed, when the file has one. */
  current?: { section: TopLevelSection; source: SectionSource };
  /** Where a missing section goes: after `common`, else after the last section; none when empty. */
  after?: TopLevelSection;
}

/**
 * What writing `registered_services` into `text` needs to know. Throws a LayoutError when the
 * file is not laid out as dockstack edits it: a top-level block mapping at column 0 whose
 * `registered_services` and `common` sections each read as YAML on their own. The loader refuses
 * such a file, so a file that validates can always be written back.
 */
export function registeredSection(text: string): RegisteredSection {
  const sections = topLevelSections(text);
  const current = sections.find((s) => s.key === REGISTERED_KEY);
  if (current !== undefined) {
    return { sections, current: { section: current, source: sectionSource(text, current) } };
  }
  const after = sections.find((s) => s.key === 'common') ?? sections.at(-1);
  if (after === undefined) return { sections };
  sectionSource(text, after);
  return { sections, after };
}
