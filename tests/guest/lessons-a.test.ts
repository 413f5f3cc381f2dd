// Lessons 1–5 walked in the real guest (the rest in lessons-b, so the two run side by side).
import { lessonsNumbered, walkLessons } from '../support/lesson-walk';

walkLessons(lessonsNumbered(1, 5));
