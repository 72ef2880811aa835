/**
 * How far apart two versions of one story may be published. Agencies' copy is rewritten by other outlets
 * within hours; after three days a story with the same facts is a follow-up, which readers want to hear of.
 */
export const STORY_WINDOW_MS = 72 * 3600 * 1000;

/** The publication times (ISO) an earlier version of a story published at `publishedAt` may have. */
export function storyWindow(publishedAt: string): { readonly from: string; readonly to: string } {
  const at = Date.parse(publishedAt);
  return {
    from: new Date(at - STORY_WINDOW_MS).toISOString(),
    to: new Date(at + STORY_WINDOW_MS).toISOString(),
  };
}

/** Whether two publication times are close enough for the articles to be one story. */
export function withinStoryWindow(a: string, b: string): boolean {
  return Math.abs(Date.parse(a) - Date.parse(b)) <= STORY_WINDOW_MS;
}
