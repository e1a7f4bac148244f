// 要点助手 web page: chat, ledger, documents. Plain DOM, no framework; all text goes in through textContent.
'use strict';

const $ = (sel) => document.querySelector(sel);

function h(tag, attrs, ...children) {
  const el = document.createElementNS(tag.startsWith('svg:') ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag.replace(/^svg:/, ''));
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

async function api(path, options = {}) {
  const res = await fetch(path, options);
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    // Signed out (VIEW_TOKEN changed or the cookie expired): reload to get the sign-in form.
    if (res.status === 401 && body && body.error === 'view_token_required') location.reload();
    const message = body && body.message ? body.message : `请求失败（${res.status}）`;
    throw Object.assign(new Error(message), { status: res.status, body });
  }
  return body;
}

const STATUS = { overdue: '已逾期', due_soon: '7天内到期', upcoming: '未到期', ongoing: '持续推进', no_deadline: '未列时限', done: '已完成' };

// ---------- tabs and hash routing ----------
function showTab(name) {
  for (const t of document.querySelectorAll('.tab')) t.hidden = t.id !== `tab-${name}`;
  for (const a of document.querySelectorAll('.tabs a')) a.setAttribute('aria-selected', String(a.dataset.tab === name));
  if (name === 'ledger') loadLedger();
  if (name === 'docs') loadDocs();
  if (name === 'align') window.dispatchEvent(new Event('yaodian:align'));
  if (name === 'pushes') {
    loadPushes();
    loadSubscriptions();
  }
}

function route() {
  const hash = location.hash.slice(1);
  if (hash.startsWith('doc=')) {
    const p = new URLSearchParams(hash);
    openItem(p.get('doc'), p.get('item'));
    return;
  }
  closeViewer(false);
  showTab(['chat', 'ledger', 'docs', 'pushes', 'align'].includes(hash) ? hash : 'chat');
}
window.addEventListener('hashchange', route);

// ---------- chat ----------
const messages = $('#messages');
const unitInput = $('#unit');
// This browser's conversation with the bot: 绑定, 今日摘要 and follow-ups belong to it.
const chatId = localStorage.getItem('yaodian.chat') || `page-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
localStorage.setItem('yaodian.chat', chatId);
unitInput.value = localStorage.getItem('yaodian.unit') || '';
unitInput.addEventListener('change', () => localStorage.setItem('yaodian.unit', unitInput.value.trim()));

function addMessage(cls, ...children) {
  const el = h('div', { class: `msg ${cls}` }, ...children);
  messages.append(el);
  el.scrollIntoView({ block: 'end', behavior: 'smooth' });
  return el;
}

function citationView(c, n) {
  const units = c.units.length ? c.units.map((u) => (c.leadUnits.includes(u) ? `${u}（牵头）` : u)).join('、') : '未列责任单位';
  return h('li', { class: 'cite' },
    h('a', { href: c.href, class: 'cite-link', 'data-file': c.file, 'data-item': c.item }, `[${n}] 《${c.doc}》${c.ref} ${c.title}`),
    h('div', { class: 'cite-meta' }, h('span', { text: units }), h('span', { class: 'deadline', text: c.deadlines.length ? `时限：${c.deadlines.join('、')}` : '未列时限' })),
    c.matched ? h('div', { class: 'snippet', text: c.matched }) : null,
  );
}

function answerView(a) {
  const parts = [h('div', { class: 'text', text: a.text })];
  if (a.file && a.file.url) parts.push(h('p', { class: 'file' }, h('a', { href: a.file.url, download: a.file.name, class: 'button' }, `下载表格：${a.file.name}`)));
  if (a.citations.length) parts.push(h('ol', { class: 'cites' }, a.citations.map((c, i) => citationView(c, i + 1))));
  if (a.followUps && a.followUps.length) {
    parts.push(h('div', { class: 'chips' }, a.followUps.map((f) => h('button', { type: 'button', class: 'chip', onclick: () => ask(f) }, f))));
  }
  return parts;
}

async function ask(q) {
  q = q.trim();
  if (!q) return;
  addMessage('me', h('div', { class: 'text', text: q }));
  const pending = addMessage('bot pending', h('div', { class: 'text', text: '正在查找…' }));
  const unit = unitInput.value.trim();
  try {
    const body = unit ? { q, unit, chat: chatId } : { q, chat: chatId };
    const a = await api('/api/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    pending.replaceChildren(...answerView(a));
  } catch (e) {
    pending.replaceChildren(h('div', { class: 'text error', text: e.message }));
  }
  pending.classList.remove('pending');
}

$('#ask').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = $('#q').value;
  $('#q').value = '';
  ask(q);
});
for (const b of document.querySelectorAll('#examples .chip')) b.addEventListener('click', () => ask(b.textContent));

// ---------- document viewer ----------
const docCache = new Map();
async function getDoc(id) {
  if (!docCache.has(id)) docCache.set(id, api(`/api/documents/${encodeURIComponent(id)}`).catch((e) => { docCache.delete(id); throw e; }));
  return docCache.get(id);
}

let viewerReturn = 'chat';
async function openItem(file, itemId) {
  const viewer = $('#viewer');
  const lines = $('#viewer-lines');
  const meta = $('#viewer-meta');
  if (viewer.hidden) viewerReturn = document.querySelector('.tab:not([hidden])')?.id.replace('tab-', '') || 'chat';
  viewer.hidden = false;
  $('#viewer-title').textContent = '正在打开…';
  meta.replaceChildren();
  lines.replaceChildren();
  let doc;
  try {
    doc = await getDoc(file);
  } catch (e) {
    $('#viewer-title').textContent = e.message;
    return;
  }
  const item = doc.items.find((i) => i.id === itemId);
  $('#viewer-title').textContent = item ? `《${doc.shortName}》${item.ref} ${item.title}` : doc.title;
  if (item) {
    const units = item.units.length ? item.units.map((u) => (item.leadUnits.includes(u) ? `${u}（牵头）` : u)).join('、') : '未列';
    meta.append(
      h('div', {}, h('b', { text: '责任单位：' }), units),
      h('div', {}, h('b', { text: '时限：' }), item.deadlines.length ? item.deadlines.join('、') : '未列'),
      h('div', {}, h('b', { text: '出处：' }), `${doc.title}，第 ${item.lines[0]}–${item.lines[1]} 行`),
    );
  }
  const [from, to] = item ? item.lines : [0, -1];
  let first = null;
  doc.lines.forEach((text, i) => {
    const n = i + 1;
    const hit = n >= from && n <= to;
    const li = h('li', { value: n, class: hit ? 'hl' : null, id: `L${n}` }, text || '\u00a0');
    if (hit && !first) first = li;
    lines.append(li);
  });
  if (first) first.scrollIntoView({ block: 'center' });
}

function closeViewer(goBack = true) {
  const viewer = $('#viewer');
  if (viewer.hidden) return;
  viewer.hidden = true;
  if (goBack) location.hash = viewerReturn;
}
$('#viewer-close').addEventListener('click', () => closeViewer());
$('#viewer').addEventListener('click', (ev) => { if (ev.target.id === 'viewer') closeViewer(); });
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeViewer(); });

// ---------- ledger ----------
const filters = $('#filters');
let unitsLoaded = false;

async function loadFilterOptions() {
  const u = await api('/api/units');
  const docSel = $('#f-doc');
  const regSel = $('#f-region');
  const keepDoc = docSel.value;
  const keepReg = regSel.value;
  docSel.replaceChildren(h('option', { value: '' }, '全部'), ...u.documents.map((d) => h('option', { value: d.id }, d.shortName)));
  regSel.replaceChildren(h('option', { value: '' }, '全部'), ...u.regions.map((r) => h('option', { value: r }, r)));
  docSel.value = keepDoc;
  regSel.value = keepReg;
  $('#unit-list').replaceChildren(...u.units.filter((x) => !x.category).slice(0, 500).map((x) => h('option', { value: `${x.region}${x.name}` })));
  unitsLoaded = true;
}

function ledgerQuery() {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(filters)) if (String(v).trim()) p.set(k, String(v).trim());
  return p.toString();
}

function unitChart(stats) {
  const named = stats.filter((s) => !s.category);
  const top = (named.length ? named : stats).slice(0, 12);
  const regions = new Set(top.map((s) => s.region));
  const short = (r) => r.replace(/^.+?[省市](?=.+[市区县]$)/, '').replace(/(省|市|区|县)$/, '');
  const box = $('#chart-units');
  if (!top.length) return box.replaceChildren(h('p', { class: 'empty', text: '没有数据' }));
  const max = Math.max(...top.map((s) => s.total));
  const row = 26;
  // The label column fits the longest label (fitLabels, chart.js); the bars and their numbers get the rest.
  const { column: label, shown } = fitLabels(top.map((s) => (regions.size > 1 ? `${short(s.region)}·${s.unit}` : s.unit)));
  const bars = 330;
  const width = label + bars + 90;
  const svg = h('svg:svg', { viewBox: `0 0 ${width} ${top.length * row + 4}`, role: 'img', 'aria-label': '各单位任务数' });
  top.forEach((s, i) => {
    const y = i * row + 2;
    const w = (bars * s.total) / max;
    const wo = (bars * s.overdue) / max;
    const name = shown[i];
    svg.append(
      h('svg:text', { x: label - 6, y: y + 16, 'text-anchor': 'end', class: 'lbl' }, name, h('svg:title', {}, `${s.region} ${s.unit}`)),
      h('svg:rect', { x: label, y: y + 3, width: Math.max(w, 1), height: row - 8, class: 'bar' }),
      s.overdue ? h('svg:rect', { x: label, y: y + 3, width: wo, height: row - 8, class: 'bar overdue' }) : null,
      h('svg:text', { x: label + w + 4, y: y + 16, class: 'num' }, s.overdue ? `${s.total}（逾期${s.overdue}）` : String(s.total)),
    );
  });
  box.replaceChildren(svg);
}

function timelineChart(buckets, today) {
  const box = $('#chart-timeline');
  if (!buckets.length) return box.replaceChildren(h('p', { class: 'empty', text: '没有写明日期的时限' }));
  const max = Math.max(...buckets.map((b) => b.items));
  const col = Math.max(26, Math.min(48, Math.floor(500 / buckets.length)));
  const height = 150;
  const width = Math.max(520, buckets.length * col + 10);
  const svg = h('svg:svg', { viewBox: `0 0 ${width} ${height + 24}`, role: 'img', 'aria-label': '按月到期的任务' });
  const month = today.slice(0, 7);
  buckets.forEach((b, i) => {
    const x = i * col + 5;
    const bh = (height - 18) * (b.items / max);
    const oh = (height - 18) * (b.overdue / max);
    const tip = `${b.month}：${b.items} 项${b.overdue ? `，逾期 ${b.overdue}` : ''}`;
    svg.append(
      h('svg:rect', { x: x + 4, y: height - bh, width: col - 8, height: bh, class: b.month === month ? 'bar now' : 'bar' }, h('svg:title', {}, tip)),
      b.overdue ? h('svg:rect', { x: x + 4, y: height - oh, width: col - 8, height: oh, class: 'bar overdue' }, h('svg:title', {}, tip)) : null,
      h('svg:text', { x: x + col / 2, y: height - bh - 4, 'text-anchor': 'middle', class: 'num' }, String(b.items)),
      h('svg:text', { x: x + col / 2, y: height + 16, 'text-anchor': 'middle', class: 'lbl' }, b.month.slice(2).replace('-', '.')),
    );
  });
  svg.append(h('svg:line', { x1: 0, x2: width, y1: height, y2: height, class: 'axis' }));
  box.replaceChildren(svg, h('p', { class: 'legend' }, h('span', { class: 'key overdue' }), '已逾期 ', h('span', { class: 'key now' }), '本月 ', h('span', { class: 'key' }), '以后'));
}

async function loadLedger() {
  if (!unitsLoaded) await loadFilterOptions().catch(() => undefined);
  const q = ledgerQuery();
  $('#export-csv').href = `/api/ledger.csv${q ? `?${q}` : ''}`;
  $('#export-xlsx').href = `/api/ledger.xlsx${q ? `?${q}` : ''}`;
  const tbody = $('#ledger-table tbody');
  try {
    const data = await api(`/api/ledger${q ? `?${q}` : ''}`);
    const overdue = data.stats.reduce((n, s) => n + s.overdue, 0);
    const done = data.stats.reduce((n, s) => n + s.done, 0);
    $('#ledger-summary').textContent = `以 ${data.today} 为今天：${data.items} 项任务、${data.total} 条单位分工，${data.stats.length} 个单位，逾期 ${overdue} 条，已完成 ${done} 条${data.truncated ? '（表格只显示前 2000 条，导出可得全部）' : ''}。进展由责任单位在聊天中用“完成”“进展”登记。`;
    unitChart(data.stats);
    timelineChart(data.timeline, data.today);
    tbody.replaceChildren(...data.rows.slice(0, 500).map((r) => h('tr', { class: r.status },
      h('td', { 'data-h': '单位' }, r.unit || '（未列）', r.lead ? h('span', { class: 'tag', text: '牵头' }) : null),
      h('td', { 'data-h': '任务' }, h('a', { href: `#doc=${encodeURIComponent(r.file)}&item=${encodeURIComponent(r.item)}` }, `${r.ref} ${r.title}`)),
      h('td', { 'data-h': '时限' }, r.deadlines.join('、') || (r.due ? `${r.due}（见正文）` : '—')),
      h('td', { 'data-h': '状态' }, h('span', { class: `status ${r.status}`, text: STATUS[r.status] })),
      h('td', { 'data-h': '进展' }, r.category || !r.unit ? '—' : r.progress, r.note ? h('span', { class: 'progress-note', text: r.note }) : null),
      h('td', { 'data-h': '文件' }, r.doc),
    )));
  } catch (e) {
    $('#ledger-summary').textContent = e.message;
    tbody.replaceChildren();
  }
}
filters.addEventListener('submit', (ev) => { ev.preventDefault(); loadLedger(); });
for (const el of filters.querySelectorAll('select, input[type=checkbox], input[type=date]')) el.addEventListener('change', () => loadLedger());

// ---------- documents ----------
const tokenInput = $('#token');
tokenInput.value = sessionStorage.getItem('yaodian.token') || '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('yaodian.token', tokenInput.value));

async function loadDocs() {
  const list = $('#doc-list');
  try {
    const data = await api('/api/documents');
    $('#accept').textContent = data.accept.join(' ');
    const SRC = { upload: '上传', docs: '文件目录', samples: '自带示例' };
    list.replaceChildren(
      ...data.documents.map((d) => h('li', { class: 'doc' },
        h('div', { class: 'doc-head' },
          h('a', { href: `#doc=${encodeURIComponent(d.id)}&item=`, class: 'doc-title', text: d.title }),
          h('button', { type: 'button', class: 'danger small', onclick: () => removeDoc(d.id) }, '删除')),
        h('div', { class: 'doc-meta', text: `${d.shortName} · ${d.sections} 个部分 · ${d.items} 项任务 · ${d.file} · ${SRC[d.source] || d.source}${d.docNumber ? ` · ${d.docNumber}` : ''}` }),
        d.warnings.length ? h('details', { class: 'warn' }, h('summary', {}, `${d.warnings.length} 条解析提示`), h('ul', {}, d.warnings.map((w) => h('li', { text: w.message })))) : null,
      )),
      ...data.errors.map((e) => h('li', { class: 'doc failed' }, h('div', { class: 'doc-title', text: e.file }), h('div', { class: 'error', text: e.message }))),
    );
    if (!data.documents.length && !data.errors.length) list.replaceChildren(h('li', { class: 'empty', text: '还没有文件，请上传。' }));
  } catch (e) {
    list.replaceChildren(h('li', { class: 'error', text: e.message }));
  }
}

function authHeaders() {
  const t = tokenInput.value.trim();
  return t ? { authorization: `Bearer ${t}` } : {};
}

function invalidate() {
  docCache.clear();
  unitsLoaded = false;
}

async function removeDoc(id) {
  if (!confirm(`删除 ${id}？`)) return;
  try {
    await api(`/api/documents/${encodeURIComponent(id)}`, { method: 'DELETE', headers: authHeaders() });
    invalidate();
  } catch (e) {
    alert(e.message);
  }
  loadDocs();
}

$('#upload').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#file');
  const out = $('#upload-report');
  if (!input.files || !input.files[0]) return;
  const form = new FormData();
  form.append('file', input.files[0]);
  out.replaceChildren(h('p', { text: '正在上传和解析…' }));
  try {
    const r = await api('/api/documents', { method: 'POST', headers: authHeaders(), body: form });
    const rep = r.report;
    out.replaceChildren(
      h('p', { class: 'ok', text: `${r.replaced ? '已替换' : '已导入'}《${r.document.title}》：${rep.sections} 个部分、${rep.items} 项任务。` }),
      rep.notes.length ? h('p', { class: 'hint', text: rep.notes.join('；') }) : null,
      rep.warnings.length ? h('ul', { class: 'warn' }, rep.warnings.map((w) => h('li', { text: w.message }))) : null,
    );
    input.value = '';
    invalidate();
  } catch (e) {
    out.replaceChildren(h('p', { class: 'error', text: e.message }), e.body && e.body.kept ? h('p', { class: 'hint', text: e.body.kept }) : null);
  }
  loadDocs();
});

// ---------- pushes (admin): the digest delivery log, run now, resend ----------
const PUSH_STATE = { pending: '待发送', sending: '发送中', sent: '已发送', failed: '失败（将重试）', uncertain: '状态不确定' };
const PLATFORM = { lark: '飞书', dingtalk: '钉钉', wechat: '微信', wecom: '企业微信/政务微信', zwdd: '浙政钉', web: '网页' };
const pushToken = $('#push-token');
pushToken.value = sessionStorage.getItem('yaodian.token') || '';
pushToken.addEventListener('change', () => {
  sessionStorage.setItem('yaodian.token', pushToken.value);
  tokenInput.value = pushToken.value;
  loadPushes();
  loadSubscriptions();
});
const pushHeaders = () => (pushToken.value.trim() ? { authorization: `Bearer ${pushToken.value.trim()}`, 'content-type': 'application/json' } : { 'content-type': 'application/json' });

async function loadPushes() {
  const body = $('#push-table tbody');
  const note = $('#push-summary');
  if (!pushToken.value.trim()) {
    note.textContent = '请输入管理口令（ADMIN_TOKEN）查看推送记录。';
    body.replaceChildren();
    return;
  }
  try {
    const data = await api('/api/admin/digests?days=7', { headers: pushHeaders() });
    const count = (s) => data.rows.filter((r) => r.state === s).length;
    note.textContent = `${data.from} 至 ${data.to}：已发送 ${count('sent')}，失败 ${count('failed')}，状态不确定 ${count('uncertain')}，待发送 ${count('pending') + count('sending')}。`;
    body.replaceChildren(...data.rows.map((r) => h('tr', { class: `push ${r.state}` },
      h('td', { 'data-h': '日期' }, r.date),
      h('td', { 'data-h': '平台' }, PLATFORM[r.platform] || r.platform),
      h('td', { 'data-h': '群' }, h('span', { class: 'chat', text: r.chat })),
      h('td', { 'data-h': '单位' }, r.unit || '—'),
      h('td', { 'data-h': '状态' }, h('span', { class: `status ${r.state}`, text: PUSH_STATE[r.state] || r.state })),
      h('td', { 'data-h': '次数' }, String(r.attempts)),
      h('td', { 'data-h': '原因' }, r.error ? `${r.errorCode ? `[${r.errorCode}] ` : ''}${r.error}` : '—'),
      h('td', { 'data-h': '' }, r.state === 'uncertain' || r.state === 'failed'
        ? h('button', { type: 'button', class: 'small', onclick: () => resendPush(r) }, r.state === 'uncertain' ? '确认未收到，重发' : '立即重发')
        : null),
    )));
    if (!data.rows.length) body.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty', text: '最近 7 天没有推送记录。' })));
  } catch (e) {
    note.textContent = e.message;
    body.replaceChildren();
  }
}

// ---------- subscriptions set by an admin (no need to go into the chat) ----------
const SUB_PLATFORMS = ['zwdd', 'wecom', 'dingtalk', 'lark', 'wechat'];
$('#sub-platform').replaceChildren(...SUB_PLATFORMS.map((p) => h('option', { value: p }, PLATFORM[p])));

async function loadSubscriptions() {
  const body = $('#sub-table tbody');
  if (!pushToken.value.trim()) {
    body.replaceChildren();
    return;
  }
  try {
    const data = await api('/api/admin/subscriptions', { headers: pushHeaders() });
    body.replaceChildren(...data.subscriptions.map((s) => h('tr', { class: s.active ? 'sub' : 'sub inactive' },
      h('td', { 'data-h': '平台' }, `${PLATFORM[s.platform] || s.platform}${s.active ? '' : '（未启用）'}`),
      h('td', { 'data-h': '群或接收人' }, h('span', { class: 'chat', text: s.chat })),
      h('td', { 'data-h': '单位' }, s.unit || '未绑定单位（不会推送）'),
      h('td', { 'data-h': '时间' }, s.time),
      h('td', { 'data-h': '设置人' }, s.updatedBy === 'api:admin' ? '管理页' : (s.updatedBy || '—')),
      h('td', { 'data-h': '' }, h('button', { type: 'button', class: 'small', onclick: () => removeSubscription(s) }, '取消订阅')),
    )));
    if (!data.subscriptions.length) body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'empty', text: '还没有订阅每日摘要的群。' })));
  } catch (e) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'empty', text: e.message })));
  }
}

async function removeSubscription(s) {
  if (!confirm(`停止向“${s.chat}”推送每日摘要？`)) return;
  try {
    await api(`/api/admin/subscriptions?platform=${encodeURIComponent(s.platform)}&chat=${encodeURIComponent(s.chat)}`, { method: 'DELETE', headers: pushHeaders() });
    $('#sub-report').textContent = `已取消“${s.chat}”的每日摘要。`;
  } catch (e) {
    $('#sub-report').textContent = e.message;
  }
  loadSubscriptions();
}

$('#sub-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('#sub-report');
  const payload = { platform: $('#sub-platform').value, chat: $('#sub-chat').value.trim(), unit: $('#sub-unit').value.trim(), time: $('#sub-time').value.trim() };
  try {
    const s = await api('/api/admin/subscriptions', { method: 'POST', headers: pushHeaders(), body: JSON.stringify(payload) });
    out.textContent = `已订阅：每天 ${s.time}（北京时间）向“${s.chat}”推送${s.unit}的每日摘要${s.active ? '' : '；该平台现在没有启用，启用后开始推送'}。`;
  } catch (e) {
    out.textContent = e.message;
  }
  loadSubscriptions();
});

async function resendPush(r) {
  if (r.state === 'uncertain' && !confirm(`请先确认“${r.chat}”没有收到 ${r.date} 的摘要，否则会重复。确定重发？`)) return;
  try {
    const res = await api('/api/admin/digests/resend', { method: 'POST', headers: pushHeaders(), body: JSON.stringify({ platform: r.platform, chat: r.chat, date: r.date }) });
    $('#push-run-report').textContent = res.status === 'sent' ? `已重发到 ${r.chat}。` : `没有重发：${res.error || res.status}`;
  } catch (e) {
    $('#push-run-report').textContent = e.message;
  }
  loadPushes();
}

$('#push-run').addEventListener('click', async () => {
  const out = $('#push-run-report');
  out.textContent = '正在推送今天的摘要…';
  try {
    const res = await api('/api/admin/digests/run', { method: 'POST', headers: pushHeaders(), body: '{}' });
    const n = (s) => res.results.filter((r) => r.status === s).length;
    out.textContent = `${res.date}：发送 ${n('sent')}，失败 ${n('failed')}，跳过 ${n('skipped')}。`;
  } catch (e) {
    out.textContent = e.message;
  }
  loadPushes();
});
$('#push-refresh').addEventListener('click', () => {
  loadPushes();
  loadSubscriptions();
});

route();
