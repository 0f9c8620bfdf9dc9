import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setToken } from './api';
import { FlowPageView } from './flow-page';
import { FlowsPage } from './flows-page';
import { GraphPage } from './graph-page';
import { ListPage } from './list-page';
import { navigate } from './navigate';
import { SagaPage } from './saga-page';
import './styles.css';

function App() {
  const [path, setPath] = useState(location.pathname);
  const [needToken, setNeedToken] = useState(false);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  if (needToken) return <TokenForm onDone={() => setNeedToken(false)} />;
  const saga = /^\/sagas\/([^/]+)$/.exec(path);
  const flow = /^\/flows\/([^/]+)$/.exec(path);
  const unauthorized = () => setNeedToken(true);
  const link = (to: string, text: string, testId: string) => (
    <a
      href={to}
      class={`nav ${path === to ? 'current' : ''}`}
      data-testid={testId}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {text}
    </a>
  );
  return (
    <>
      <header class="top">
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          Sagaflow monitor
        </a>
        {link('/', 'Sagas', 'nav-sagas')}
        {link('/flows', 'Flows', 'nav-flows')}
        {link('/graph', 'Graph', 'nav-graph')}
      </header>
      <main>
        {saga ? (
          <SagaPage id={decodeURIComponent(saga[1]!)} onUnauthorized={unauthorized} />
        ) : flow ? (
          <FlowPageView id={decodeURIComponent(flow[1]!)} onUnauthorized={unauthorized} />
        ) : path === '/flows' ? (
          <FlowsPage onUnauthorized={unauthorized} />
        ) : path === '/graph' ? (
          <GraphPage onUnauthorized={unauthorized} />
        ) : (
          <ListPage onUnauthorized={unauthorized} />
        )}
      </main>
    </>
  );
}

function TokenForm({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="token"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value.trim());
        onDone();
      }}
    >
      <h1>Sagaflow monitor</h1>
      <label>
        Bearer token (MONITOR_TOKEN)
        <input type="password" value={value} onInput={(e) => setValue(e.currentTarget.value)} autoFocus />
      </label>
      <button type="submit">Open</button>
    </form>
  );
}

render(<App />, document.getElementById('app')!);
