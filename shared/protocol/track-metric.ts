/**
 * How a track's tasks are scored. Apart from track.ts (which needs zod and a hash library) so that
 * worker bundles, which import no packages, can ask it too.
 */
import type { TaskMetric } from '../task/types';
import type { TrackTask } from './track';

export function trackMetric(track: { readonly task: TrackTask }): TaskMetric {
  return track.task.family === 'teacher' ? 'rms-error' : 'accuracy';
}
