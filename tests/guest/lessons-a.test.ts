// Lessons 1–5 walked in the real guest (6–10 in lessons-b, so the two run side by side; 11 on
// in lessons-c.slow, left out of npm test for its two builds' time).
import { lessonsNumbered, walkLessons } from '../support/lesson-walk';

walkLessons(lessonsNumbered(1, 5));
