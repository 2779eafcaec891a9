import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/app.css';
import './styles/states.css';
import './styles/topology.css';
import './styles/settings.css';
import { api } from './api';
import { App } from './app/App';
import { ModelProvider } from './model/ModelProvider';
import { warmUpLayout } from './topology/layout/layout-client';

const queryClient = new QueryClient({
  defaultOptions: {
    // The server is local (loopback or Electron IPC): the browser's online flag says nothing about reaching it.
    queries: { networkMode: 'always' },
  },
});

warmUpLayout();

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ModelProvider api={api}>
        <App />
      </ModelProvider>
    </QueryClientProvider>
  </StrictMode>,
);
