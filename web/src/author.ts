// author.html: a live authoring page for course authors — a lesson's Markdown on one side, and
// on the other an embedded lab (its own ephemeral machine) showing the lesson as learners see
// it, re-rendered as the author types (sent over the embed's postMessage API, drydock:lesson).
import { mount } from 'svelte';
import './app/global.css';
import Author from './app/Author.svelte';

mount(Author, { target: document.getElementById('app')! });
