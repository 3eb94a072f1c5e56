/**
 * Where a mining run keeps its search state inside the data folder: one folder per mode, and per
 * track apart from the CIFAR-10 one (whose folders keep their first names), so that a population
 * scored on one track's tasks is never resumed on another's.
 */
import { CIFAR10_BINARY, type Track } from '../../shared/protocol/track';

export function miningStateFolder(mode: 'solo' | 'direct', track: Pick<Track, 'id'>): string {
  return track.id === CIFAR10_BINARY.id ? mode : `${mode}-${track.id}`;
}
