// embed.html: the lab sized for an iframe on a course page (?lesson=…&step=…, ?demo=…, or an
// author's ?lesson-url=, ?course-url=, ?demo-url=), with a postMessage API for the page around
// it (app/embed-api.ts). Where it cannot have the learner's saved lab (the browser blocks a
// cross-site frame's storage, or the lab is open elsewhere) it runs an ephemeral one
// (app/lab-connection.ts).
import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import './app/global.css';
import App from './app/App.svelte';

mount(App, { target: document.getElementById('app')!, props: { embed: true } });
