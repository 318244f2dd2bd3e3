// portal.js — what the portal's pages do in the browser (qyzmet-web).
//
// 1. A form field asked only when another field has a value (`data-when-field`,
//    `data-when-equals`) is shown only then; the server ignores what is not asked.
// 2. A signing form (`form[data-sign]`, written by qyzmet_web::signing) signs in the
//    browser: the person picks their PKCS#12 key file and types its password, sign.js opens
//    the file and signs the content as an attached CMS (CAdES-BES); only that CMS is sent,
//    in the form's hidden `cms` field. The key file and password inputs have no `name`, so
//    they are never sent, even if this script fails.
//
// The signing form carries, in data attributes written by the server:
//   data-signer    the IIN (or BIN) the key must be issued to
//   data-draft     {service, version, channel, recipient, form, attachments} — an
//                  application without its nonce (README: "A request is an application …"),
//   or data-content  base64 bytes to sign as they are (a result document)
//   data-messages  {code: text} in the page's language: sign.js's error codes, and
//                  keyfile.required, password.required, signer.not_expected, signing

import { openKeyFile, signCms, SignError } from './sign.js';

function showWhenAsked() {
  const blocks = document.querySelectorAll('[data-when-field]');
  const update = () => {
    for (const b of blocks) {
      const name = b.dataset.whenField;
      const inputs = document.getElementsByName(name);
      let value = '';
      for (const i of inputs) {
        if ((i.type === 'radio' || i.type === 'checkbox') ? i.checked : true) value = i.value.trim();
      }
      b.hidden = value !== b.dataset.whenEquals;
    }
  };
  document.addEventListener('change', update);
  document.addEventListener('input', update);
  update();
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

// The application as the API expects it: the server's draft and a fresh nonce, as JSON.
export function application(draft, nonce) {
  return JSON.stringify({
    service: draft.service,
    version: draft.version,
    channel: draft.channel,
    recipient: draft.recipient,
    form: draft.form,
    attachments: draft.attachments,
    nonce,
  });
}

function unbase64(text) {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

// What the form signs: the application completed with a fresh nonce, or the given bytes.
function content(form) {
  if (form.dataset.content !== undefined) return unbase64(form.dataset.content);
  const draft = JSON.parse(form.dataset.draft);
  return new TextEncoder().encode(application(draft, crypto.randomUUID()));
}

function signingForm(form) {
  const signer = form.dataset.signer;
  const messages = JSON.parse(form.dataset.messages);
  const keyInput = form.querySelector('#f-keyfile');
  const passwordInput = form.querySelector('#f-password');
  const button = form.querySelector('button[type=submit]');
  const summary = document.getElementById('sign-errors');
  const say = (code) => messages[code] || messages['sign.failed'] || code;

  const clear = () => {
    summary.hidden = true;
    for (const input of [keyInput, passwordInput]) {
      const p = document.getElementById(input.id + '-error');
      p.hidden = true;
      p.querySelector('.message').textContent = '';
      input.removeAttribute('aria-invalid');
      input.closest('.field').classList.remove('field--error');
    }
  };
  const fail = (input, code) => {
    const text = say(code);
    const p = document.getElementById(input.id + '-error');
    p.querySelector('.message').textContent = text;
    p.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.closest('.field').classList.add('field--error');
    const list = summary.querySelector('ul');
    list.replaceChildren();
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#' + input.id;
    a.textContent = text;
    li.append(a);
    list.append(li);
    summary.hidden = false;
    summary.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const file = keyInput.files && keyInput.files[0];
    if (!file) return fail(keyInput, 'keyfile.required');
    if (!passwordInput.value) return fail(passwordInput, 'password.required');
    button.disabled = true;
    const label = button.textContent;
    button.textContent = say('signing');
    try {
      const keyFile = await openKeyFile(new Uint8Array(await file.arrayBuffer()), passwordInput.value);
      const holder = keyFile.subject.iin || keyFile.subject.bin;
      if (holder !== signer) throw new SignError('signer.not_expected', holder || '');
      const cms = await signCms(keyFile, content(form));
      form.elements.cms.value = base64(cms);
      passwordInput.value = '';
      keyInput.value = '';
      form.submit();
    } catch (e) {
      const code = e instanceof SignError ? e.code : (e && e.code) || 'sign.failed';
      const onPassword = code === 'keyfile.wrong_password';
      fail(onPassword ? passwordInput : keyInput, messages[code] ? code : 'sign.failed');
      button.disabled = false;
      button.textContent = label;
    }
  });
}

showWhenAsked();
for (const form of document.querySelectorAll('form[data-sign]')) signingForm(form);
