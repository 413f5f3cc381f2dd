// embed.html: the lab sized for an iframe on a course page (?lesson=…&step=…, or ?demo=…),
// with a postMessage API for the page around it (app/embed-api.ts).
import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import './app/global.css';
import App from './app/App.svelte';

mount(App, { target: document.getElementById('app')!, props: { embed: true } });
