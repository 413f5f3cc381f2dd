import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import './app/global.css';
import App from './app/App.svelte';

mount(App, { target: document.getElementById('app')! });
