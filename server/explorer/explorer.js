// Placeholder: the explorer's script (docs/serve.md, "The explorer").
'use strict';
fetch('/api/info').then(r => r.json()).then(info => {
  document.getElementById('info').textContent = info.nodes + ' nodes';
});
