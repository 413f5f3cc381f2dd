// Container names as Docker makes them: adjective_surname. Our own lists: adjectives about
// ships and the sea, surnames of people who shaped computing and containers' prehistory.
import { randomHex } from '../../lib/digest';

const ADJECTIVES = [
  'anchored', 'brave', 'briny', 'calm', 'clever', 'coastal', 'daring', 'deep', 'eager', 'fearless',
  'gentle', 'hardy', 'keen', 'lucid', 'merry', 'nautical', 'patient', 'quiet', 'sailing', 'salty',
  'serene', 'steady', 'swift', 'tidal', 'trusty', 'vigilant', 'wandering', 'wise', 'zealous', 'bold',
];
const NAMES = [
  'allen', 'babbage', 'backus', 'bartik', 'berners', 'borg', 'cerf', 'clarke', 'conway', 'dijkstra',
  'easley', 'engelbart', 'hamilton', 'hopper', 'johnson', 'kahn', 'knuth', 'lamport', 'liskov', 'lovelace',
  'mccarthy', 'perlman', 'ritchie', 'shannon', 'sutherland', 'thompson', 'torvalds', 'turing', 'wilkes', 'wozniak',
];

export function randomName(): string {
  const n = parseInt(randomHex(4), 16);
  return `${ADJECTIVES[n % ADJECTIVES.length]}_${NAMES[Math.floor(n / ADJECTIVES.length) % NAMES.length]}`;
}
