import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startServiceWorker } from './lib/ui/service-worker.ts';

startServiceWorker();

mount(App, { target: document.getElementById('app')! });
