import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { connectEvents } from './lib/events';
import { applyStoredTheme } from './lib/theme';

applyStoredTheme();
const target = document.getElementById('app');
if (!target) throw new Error('missing #app');
// Listening first: a view that mounts then cannot miss a change made while it loads.
connectEvents()
  .catch((err) => console.error('cannot listen to Billfold events', err))
  .finally(() => mount(App, { target }));
