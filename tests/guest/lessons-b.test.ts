// Lessons 6–10 walked in the real guest (the first five in lessons-a).
import { lessonsNumbered, walkLessons } from '../support/lesson-walk';

walkLessons(lessonsNumbered(6, 10));
