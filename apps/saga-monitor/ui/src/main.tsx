import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setToken } from './api';
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
      </header>
      <main>
        {saga ? (
          <SagaPage id={decodeURIComponent(saga[1]!)} onUnauthorized={() => setNeedToken(true)} />
        ) : (
          <ListPage onUnauthorized={() => setNeedToken(true)} />
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
