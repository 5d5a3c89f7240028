/** The report's stylesheet: system fonts only, so the file needs nothing from the network. */
export const REPORT_CSS = `
:root { --bg:#fff; --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --sel:#eef4ff; --err:#d92d20; --warn:#dc6803; --ok:#079455;
  --agent:#2e90fa; --response:#7a5af8; --generation:#7a5af8; --function:#12b76a; --guardrail:#f79009; --handoff:#06aed4;
  --task:#98a2b3; --trace:#667085; --turn:#b2ccff; --other:#98a2b3; --row:26px; }
* { box-sizing:border-box; }
body { margin:0; font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { padding:12px 16px; border-bottom:1px solid var(--line); display:flex; flex-wrap:wrap; gap:6px 18px; align-items:baseline; }
header h1 { font-size:16px; margin:0; }
header .meta { color:var(--muted); }
.verdict { padding:2px 8px; border-radius:10px; font-weight:600; font-size:12px; }
.verdict.ok { background:#dcfae6; color:var(--ok); } .verdict.tampered { background:#fee4e2; color:var(--err); }
.verdict.no-digest, .verdict.key-required, .verdict.wrong-key { background:#f2f4f7; color:var(--muted); }
pre.verification { margin:0; padding:8px 16px; background:#fffbfa; border-bottom:1px solid var(--line); font-size:12px; white-space:pre-wrap; }
main { display:grid; grid-template-columns:minmax(0,1fr) minmax(320px,34%); height:calc(100vh - 50px); }
#spans { overflow:auto; border-right:1px solid var(--line); }
.axis, .row { display:grid; grid-template-columns:minmax(260px,42%) 1fr; }
.axis { position:sticky; top:0; background:var(--bg); border-bottom:1px solid var(--line); height:24px; z-index:1; }
.axis .ticks { position:relative; } .axis .tick { position:absolute; top:4px; font-size:11px; color:var(--muted); transform:translateX(-50%); }
.axis .tick:first-child { transform:none; }
.row { height:var(--row); align-items:center; border-bottom:1px solid #f2f4f7; cursor:pointer; }
.row:hover { background:#f9fafb; } .row.selected { background:var(--sel); } .row[hidden] { display:none; }
.row:focus { outline:2px solid var(--agent); outline-offset:-2px; }
.name { display:flex; align-items:center; gap:6px; padding-left:calc(var(--depth) * 16px + 4px); white-space:nowrap; overflow:hidden; }
.toggle { width:16px; border:0; background:none; padding:0; color:var(--muted); cursor:pointer; font-size:11px; }
.toggle.leaf { visibility:hidden; }
.label { overflow:hidden; text-overflow:ellipsis; }
.badge { font-size:10px; font-weight:600; padding:0 5px; border-radius:8px; }
.badge.error { background:#fee4e2; color:var(--err); } .badge.tripwire { background:#fef0c7; color:var(--warn); }
.badge.audit { background:var(--err); color:#fff; } .badge.incomplete { background:#f2f4f7; color:var(--muted); }
.tokens { color:var(--muted); font-size:11px; }
.row.error .label { color:var(--err); } .row.tripwire .label { color:var(--warn); font-weight:600; }
.timeline { position:relative; height:100%; margin-right:12px; }
.bar { position:absolute; top:7px; height:12px; min-width:2px; border-radius:3px; background:var(--other); }
.bar.error { outline:2px solid var(--err); } .bar.tripwire { outline:2px solid var(--warn); }
.dur { position:absolute; top:5px; font-size:11px; color:var(--muted); white-space:nowrap; padding-left:4px; }
.dur.inside { color:#fff; padding:0 6px 0 0; top:6px; font-size:10px; } .dur.before { padding:0 4px 0 0; }
${['agent', 'response', 'generation', 'function', 'guardrail', 'handoff', 'task', 'trace', 'turn'].map((t) => `.bar.t-${t}{background:var(--${t});}`).join(' ')}
#details { overflow:auto; padding:12px 16px; }
#details h2 { font-size:15px; margin:0 0 8px; word-break:break-word; }
#details h3 { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:14px 0 6px; }
#details table { border-collapse:collapse; width:100%; font-size:12px; }
#details td { border-top:1px solid var(--line); padding:3px 6px 3px 0; vertical-align:top; word-break:break-word; }
#details td:first-child { color:var(--muted); width:38%; font-family:ui-monospace,monospace; }
#details .conversation { display:flex; flex-direction:column; gap:6px; }
#details .message { padding:6px 8px; border:1px solid var(--line); border-radius:6px; background:#fff; white-space:pre-wrap; word-break:break-word; font-size:12px; }
#details .message .role { font-weight:600; text-transform:capitalize; margin-bottom:2px; }
#details .role-system { background:#f9fafb; }
#details .role-user { background:#eff6ff; }
#details .role-tool { background:#f0fdf4; }
#details .part.tool-call, #details .part.tool-result { font-family:ui-monospace, monospace; }
#details .part.reasoning { color:#6b7280; font-style:italic; }
#details pre { margin:0; padding:8px; background:#f9fafb; border:1px solid var(--line); border-radius:4px; white-space:pre-wrap; word-break:break-word; font-size:12px; max-height:320px; overflow:auto; }
#details .empty { color:var(--muted); }
.status-error { color:var(--err); font-weight:600; }
`;
