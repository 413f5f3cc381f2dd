// Lessons 6–10 walked in the real guest (1–5 in lessons-a, 11 on in lessons-c.slow).
import { lessonsNumbered, walkLessons } from '../support/lesson-walk';

walkLessons(lessonsNumbered(6, 10));
