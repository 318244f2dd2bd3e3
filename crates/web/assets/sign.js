// sign.js — sign in the browser with the citizen's own PKCS#12 key file.
//
// The key file (as the NCA delivers it) is opened here with its password, its private key is
// imported into WebCrypto as a non-extractable key, and requests are signed as CMS SignedData
// in the CAdES-BES form the platform verifies (crates/pki/src/cms.rs, crates/pki/src/verify).
// Neither the key nor the password leaves the page: only the signature is sent.
//
// Dependency-free, WebCrypto only (`crypto.subtle`): the same ES module runs in the browser
// (a secure context: https:// or localhost) and in Node >= 20.
//
// API
//
//   openKeyFile(bytes: Uint8Array, password: string) -> Promise<KeyFile>
//   signCms(keyFile: KeyFile, content: Uint8Array,
//           { detached = false, signingTime = new Date(), withChain = true } = {})
//     -> Promise<Uint8Array>              the DER of a ContentInfo(SignedData)
//   SignError                             the class of every error thrown (has `code`)
//   ERROR_CODES                           { code: meaning }, the list below
//
//   KeyFile = {                           frozen
//     certificate: Uint8Array,            the holder's certificate, DER
//     chain: Uint8Array[],                the file's other certificates (issuing CA, root), DER
//     subject: Name, issuer: Name,
//     serialNumber: string,               lower-case hex of the INTEGER's bytes, as the NCA's
//                                         registry writes it
//     notBefore: Date, notAfter: Date,
//     algorithm: 'RSA-SHA256' | 'ECDSA-P256-SHA256',
//     purpose: 'signing' | 'authentication' | null,   signing = digitalSignature+nonRepudiation
//     roles: string[],                    'individual', 'legal-entity', 'first-head', 'signer',
//                                         'employee' (the NCA's role EKUs)
//     privateKey: CryptoKey,              non-extractable, usage 'sign'
//   }
//   Name = { commonName, surname, givenName, serialNumber, iin, bin, organisation,
//            organisationalUnit, country }   strings or null; iin from SERIALNUMBER=IIN…,
//                                            bin from OU=BIN…
//
// A KeyFile is plain data and a CryptoKey: a page may keep it in IndexedDB (structured clone)
// to sign again without asking for the password; the key stays non-extractable.
//
// Error codes (`error.code`; `error.message` is English detail for logs, not for people):
//
//   crypto.unavailable            no WebCrypto here (a browser page outside a secure context)
//   keyfile.not_pkcs12            the bytes are not a PKCS#12 key file
//   keyfile.wrong_password        the password does not open the key file
//   keyfile.unsupported_algorithm the file is protected, or its key is, by an algorithm this
//                                 signer does not implement (legacy 3DES/RC2 encryption, GOST
//                                 keys, curves other than P-256, PBMAC1)
//   keyfile.no_key                the file holds no private key
//   keyfile.no_certificate        the file holds no certificate
//   keyfile.key_mismatch          none of the file's certificates belongs to its key
//   keyfile.damaged               the password is right, but what it opens does not read
//   sign.bad_input                signCms was given something else than a KeyFile and bytes
//   sign.failed                   WebCrypto refused to sign
//
// What the file may be (read from the file itself, not assumed):
//   integrity  MacData: HMAC with SHA-1, SHA-256, SHA-384 or SHA-512, its key from the
//              PKCS#12 KDF (RFC 7292 B.2; the password as BMPString) — what OpenSSL 3 writes
//              (SHA-256, 2048 iterations); a file without MacData is read too
//   privacy    PBES2 (PBKDF2 with HMAC-SHA-1/256/384/512, AES-128/192/256-CBC; the password
//              as UTF-8) — what OpenSSL 3's `Pkcs12::builder` writes for the key and the
//              certificates (crates/pki/src/p12.rs); plain (unencrypted) bags too
//   keys       RSA (signing RSASSA-PKCS1-v1_5 with SHA-256), EC P-256 (ECDSA with SHA-256)
//   encoding   BER as PKCS#12 allows (indefinite lengths, constructed OCTET STRINGs)
//
// What is signed (as crates/pki/src/cms.rs writes it, so the two give the same bytes for the
// same RSA key, content and time): SignedData v1 with one SignerInfo v1 naming its certificate
// by issuer and serial number; digest SHA-256 (with NULL parameters beside RSA, none beside
// ECDSA); signature sha256WithRSAEncryption or ecdsa-with-SHA256 (DER-encoded r, s); signed
// attributes content-type (id-data), message-digest, signing-time (UTCTime before 2050) and
// signing-certificate-v2 (SHA-256 of the certificate, issuer and serial), in DER's SET OF
// order; the certificates: the signer's and, with `withChain`, the file's CAs but for
// self-signed roots (the verifier holds those); the content inside unless `detached`.

// ---------------------------------------------------------------------------------------------
// Errors

export const ERROR_CODES = Object.freeze({
  'crypto.unavailable': 'no WebCrypto here (a page outside a secure context)',
  'keyfile.not_pkcs12': 'the bytes are not a PKCS#12 key file',
  'keyfile.wrong_password': 'the password does not open the key file',
  'keyfile.unsupported_algorithm': 'the key file uses an algorithm this signer does not implement',
  'keyfile.no_key': 'the key file holds no private key',
  'keyfile.no_certificate': 'the key file holds no certificate',
  'keyfile.key_mismatch': "none of the key file's certificates belongs to its key",
  'keyfile.damaged': 'the password is right, but the contents of the key file do not read',
  'sign.bad_input': 'signCms needs a KeyFile from openKeyFile and the bytes to sign',
  'sign.failed': 'WebCrypto refused to sign',
});

/** Every error this module throws: `code` is one of ERROR_CODES. */
export class SignError extends Error {
  constructor(code, detail, options) {
    super(`${code}: ${detail}`, options);
    this.name = 'SignError';
    this.code = code;
  }
}

const fail = (code, detail, cause) => {
  throw new SignError(code, detail, cause === undefined ? undefined : { cause });
};

/** Malformed DER, thrown by the reader; callers turn it into a SignError of their phase. */
class DerError extends Error {}

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) fail('crypto.unavailable', 'crypto.subtle is missing (is the page served over https?)');
  return s;
}

// ---------------------------------------------------------------------------------------------
// Bytes

const utf8 = new TextEncoder();

function concat(parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Bytes of a Uint8Array, an ArrayBuffer or another view; `null` for anything else. */
function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

// ---------------------------------------------------------------------------------------------
// DER reader (BER-tolerant where PKCS#12 needs it)
//
// An element is { tag, constructed, bytes, start, contentStart, contentEnd, end }: `tag` is the
// identifier byte (0x30 SEQUENCE, 0xa0 [0] constructed, …; tag numbers above 30 are refused),
// the content is bytes[contentStart, contentEnd), the whole encoding bytes[start, end). An
// indefinite length (BER) ends at its end-of-contents octets, which the content excludes.

const MAX_DEPTH = 64;

function readElement(bytes, start = 0, limit = bytes.length, depth = 0) {
  if (depth > MAX_DEPTH) throw new DerError('nested too deeply');
  if (start + 2 > limit) throw new DerError('truncated');
  const tag = bytes[start];
  if ((tag & 0x1f) === 0x1f) throw new DerError('a multi-byte tag');
  const constructed = (tag & 0x20) !== 0;
  let at = start + 1;
  const first = bytes[at++];
  if (first === 0x80) {
    // Indefinite length: the children, up to 00 00.
    if (!constructed) throw new DerError('an indefinite length on a primitive element');
    let p = at;
    for (;;) {
      if (p + 2 > limit) throw new DerError('no end-of-contents');
      if (bytes[p] === 0 && bytes[p + 1] === 0) break;
      p = readElement(bytes, p, limit, depth + 1).end;
    }
    return { tag, constructed, bytes, start, contentStart: at, contentEnd: p, end: p + 2 };
  }
  let length = first;
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4 || at + n > limit) throw new DerError('a bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[at++];
  }
  if (at + length > limit) throw new DerError('truncated');
  return { tag, constructed, bytes, start, contentStart: at, contentEnd: at + length, end: at + length };
}

/** The one element `bytes` holds, with nothing after it. */
function parseDer(bytes) {
  const el = readElement(bytes);
  if (el.end !== bytes.length) throw new DerError('bytes after the element');
  return el;
}

const content = (el) => el.bytes.subarray(el.contentStart, el.contentEnd);
const whole = (el) => el.bytes.subarray(el.start, el.end);

function children(el, depth = 0) {
  if (!el.constructed) throw new DerError(`tag 0x${el.tag.toString(16)} is not constructed`);
  const out = [];
  for (let at = el.contentStart; at < el.contentEnd; ) {
    const child = readElement(el.bytes, at, el.contentEnd, depth + 1);
    out.push(child);
    at = child.end;
  }
  return out;
}

function expect(el, tag, what) {
  if (!el || el.tag !== tag) {
    const found = el ? `tag 0x${el.tag.toString(16)}` : 'nothing';
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found ${found}`);
  }
  return el;
}

/** The children of a SEQUENCE (or of another constructed `tag`). */
const fields = (el, what, tag = 0x30) => children(expect(el, tag, what));

/** An OCTET STRING's bytes (tag 0x04, or `tag` when implicitly tagged), whole or in pieces. */
function octets(el, what, tag = 0x04) {
  if (!el || (el.tag & ~0x20) !== tag) expect(el, tag, what);
  if (!el.constructed) return content(el);
  return concat(children(el).map((piece) => octets(piece, what)));
}

function readOid(el, what = 'object identifier') {
  const b = content(expect(el, 0x06, what));
  if (b.length === 0) throw new DerError(`${what}: empty`);
  const arcs = [];
  let value = 0;
  for (let i = 0; i < b.length; i++) {
    value = value * 128 + (b[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError(`${what}: an arc too large`);
    if ((b[i] & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    } else if (i === b.length - 1) {
      throw new DerError(`${what}: truncated`);
    }
  }
  return arcs.join('.');
}

/** A small non-negative INTEGER (versions, iteration counts, lengths). */
function readSmallInt(el, what) {
  const b = content(expect(el, 0x02, what));
  if (b.length === 0 || b.length > 6 || b[0] & 0x80) throw new DerError(`${what}: not a small positive integer`);
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
}

/** UTCTime or GeneralizedTime in the forms certificates use (UTC, "Z", whole seconds). */
function readTime(el, what) {
  const s = String.fromCharCode(...content(el));
  let m;
  if (el.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    m[1] = String(yy < 50 ? 2000 + yy : 1900 + yy);
  } else if (el.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(s))) {
    // GeneralizedTime: the fraction, if any, is dropped.
  } else {
    throw new DerError(`${what}: not a UTC time`);
  }
  const [, y, mo, d, h, mi, se] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, se));
}

/** The text of a directory string: UTF8String, PrintableString, IA5String, BMPString, … */
function readString(el) {
  const b = content(el);
  switch (el.tag) {
    case 0x1e: {
      // BMPString: UTF-16BE.
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    case 0x14: // TeletexString, read as Latin-1
      return String.fromCharCode(...b);
    default:
      return new TextDecoder('utf-8', { fatal: false }).decode(b);
  }
}

// ---------------------------------------------------------------------------------------------
// DER writer: each function returns the encoding of one element

function encodeLength(n) {
  if (n < 0x80) return [n];
  const out = [];
  for (; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag, ...parts) {
  const body = concat(parts);
  return concat([Uint8Array.of(tag, ...encodeLength(body.length)), body]);
}

const seq = (...parts) => tlv(0x30, ...parts);
/** [n] EXPLICIT (or an IMPLICIT constructed type): context tag n, constructed. */
const ctx = (n, ...parts) => tlv(0xa0 | n, ...parts);
const octetString = (bytes) => tlv(0x04, bytes);
const nullValue = () => Uint8Array.of(0x05, 0x00);
const smallInt = (n) => tlv(0x02, Uint8Array.of(n)); // 0 <= n < 128

/** DER orders the elements of a SET OF by their encodings (X.690 11.6). */
function compareDer(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
const setOf = (...elements) => tlv(0x31, ...[...elements].sort(compareDer));

function oid(dotted) {
  const arcs = dotted.split('.').map(Number);
  const out = [];
  const push = (value) => {
    const septets = [value & 0x7f];
    for (value = Math.floor(value / 128); value > 0; value = Math.floor(value / 128)) septets.unshift(0x80 | (value & 0x7f));
    out.push(...septets);
  };
  push(arcs[0] * 40 + arcs[1]);
  arcs.slice(2).forEach(push);
  return tlv(0x06, Uint8Array.from(out));
}

/** A positive integer given as big-endian bytes, in its shortest two's-complement form. */
function unsignedInt(bytes) {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return tlv(0x02, trimmed[0] & 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5), whole seconds. */
function time(date) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const y = date.getUTCFullYear();
  const rest = `${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}` +
    `${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, utf8.encode(`${p(y % 100)}${rest}`));
  return tlv(0x18, utf8.encode(`${p(y, 4)}${rest}`));
}

// ---------------------------------------------------------------------------------------------
// Object identifiers

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  encryptedData: '1.2.840.113549.1.7.6',
  // PKCS#12 bags and attributes
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  pkcs12Pbe: '1.2.840.113549.1.12.1', // .1 … .6: the legacy PBEs (RC4, 3DES, RC2)
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  // keys and signatures
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  // CMS signed attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // certificate extensions
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
};

/** Digests as MacData and hmacWith… name them: WebCrypto's name and its block size. */
const DIGESTS = {
  '1.3.14.3.2.26': { name: 'SHA-1', block: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'SHA-256', block: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'SHA-384', block: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'SHA-512', block: 128 },
};
const HMACS = {
  '1.2.840.113549.2.7': 'SHA-1',
  '1.2.840.113549.2.9': 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};
/** AES-CBC by key length in bytes (AES-192 is not in every browser's WebCrypto). */
const CIPHERS = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};

const NAME_ATTRIBUTES = {
  '2.5.4.3': 'commonName',
  '2.5.4.4': 'surname',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'country',
  '2.5.4.10': 'organisation',
  '2.5.4.11': 'organisationalUnit',
  '2.5.4.42': 'givenName',
};

const ROLES = {
  '1.2.398.3.3.4.1.1': 'individual',
  '1.2.398.3.3.4.1.2': 'legal-entity',
  '1.2.398.3.3.4.1.2.1': 'first-head',
  '1.2.398.3.3.4.1.2.2': 'signer',
  '1.2.398.3.3.4.1.2.5': 'employee',
};

// Iteration counts above these are refused rather than run for minutes (OpenSSL writes 2048).
const MAX_KDF_ITERATIONS = 1_000_000; // the PKCS#12 KDF: one WebCrypto call per iteration
const MAX_PBKDF2_ITERATIONS = 10_000_000;

// ---------------------------------------------------------------------------------------------
// Certificates: what the signer needs to read of them

/** A Name as the NCA's profile writes it (the first value of each attribute). */
function readName(el) {
  const name = {
    commonName: null, surname: null, givenName: null, serialNumber: null, iin: null, bin: null,
    organisation: null, organisationalUnit: null, country: null,
  };
  for (const rdn of fields(el, 'Name')) {
    for (const atv of fields(rdn, 'RelativeDistinguishedName', 0x31)) {
      const [type, value] = fields(atv, 'AttributeTypeAndValue');
      const key = NAME_ATTRIBUTES[readOid(type)];
      if (key && name[key] === null && value) name[key] = readString(value);
    }
  }
  const iin = /^IIN(\d{12})$/.exec(name.serialNumber ?? '');
  const bin = /^BIN(\d{12})$/.exec(name.organisationalUnit ?? '');
  name.iin = iin ? iin[1] : null;
  name.bin = bin ? bin[1] : null;
  return Object.freeze(name);
}

/** The parts of an X.509 certificate the signer reads (RFC 5280 4.1). */
function readCertificate(der) {
  const root = parseDer(der);
  const [tbs] = fields(root, 'Certificate');
  const f = fields(tbs, 'TBSCertificate');
  let i = f[0] && f[0].tag === 0xa0 ? 1 : 0; // [0] version
  const serial = expect(f[i++], 0x02, 'serialNumber');
  i++; // signature algorithm
  const issuer = expect(f[i++], 0x30, 'issuer');
  const [notBefore, notAfter] = fields(f[i++], 'validity');
  const subject = expect(f[i++], 0x30, 'subject');
  const spki = expect(f[i++], 0x30, 'subjectPublicKeyInfo');
  const [spkiAlg] = fields(spki, 'subjectPublicKeyInfo');
  const [keyAlg, keyParams] = fields(spkiAlg, 'algorithm');
  let keyUsage = null;
  const roles = [];
  for (; i < f.length; i++) {
    if (f[i].tag !== 0xa3) continue; // [3] extensions
    for (const ext of fields(fields(f[i], 'extensions', 0xa3)[0], 'extensions')) {
      const parts = fields(ext, 'Extension');
      const id = readOid(parts[0]);
      const value = parseDer(octets(parts[parts.length - 1], 'extnValue'));
      if (id === OID.keyUsage) {
        const bits = content(expect(value, 0x03, 'keyUsage'));
        keyUsage = { digitalSignature: (bits[1] & 0x80) !== 0, nonRepudiation: (bits[1] & 0x40) !== 0 };
      } else if (id === OID.extKeyUsage) {
        for (const purpose of fields(value, 'extKeyUsage')) {
          const role = ROLES[readOid(purpose)];
          if (role) roles.push(role);
        }
      }
    }
  }
  let purpose = null;
  if (keyUsage) purpose = keyUsage.digitalSignature && keyUsage.nonRepudiation ? 'signing' : 'authentication';
  return {
    der,
    serial: whole(serial),
    serialHex: hex(content(serial)), // as written, a leading 00 included (as Cert::serial_hex)
    issuerDer: whole(issuer),
    subjectDer: whole(subject),
    issuer: readName(issuer),
    subject: readName(subject),
    notBefore: readTime(notBefore, 'notBefore'),
    notAfter: readTime(notAfter, 'notAfter'),
    spki: whole(spki),
    keyAlgorithm: readOid(keyAlg),
    keyCurve: keyParams && keyParams.tag === 0x06 ? readOid(keyParams) : null,
    purpose,
    roles,
  };
}

const selfSigned = (cert) => equalBytes(cert.issuerDer, cert.subjectDer);

/** The WebCrypto parameters of a key algorithm; a SignError for one this signer lacks. */
function webCryptoKey(algorithm, curve) {
  if (algorithm === OID.rsaEncryption) {
    return { name: 'RSA-SHA256', import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  if (algorithm === OID.ecPublicKey && curve === OID.prime256v1) {
    return { name: 'ECDSA-P256-SHA256', import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } };
  }
  const what = algorithm === OID.ecPublicKey ? `an EC key on curve ${curve}` : `a key of algorithm ${algorithm}`;
  return fail('keyfile.unsupported_algorithm', `${what}: only RSA and EC P-256 keys are supported`);
}

// ---------------------------------------------------------------------------------------------
// PKCS#12 (RFC 7292)

/** The password as the PKCS#12 KDF takes it: BMPString (UTF-16BE) with a final 00 00. */
function bmpPassword(password) {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    out[2 * i] = password.charCodeAt(i) >> 8;
    out[2 * i + 1] = password.charCodeAt(i) & 0xff;
  }
  return out;
}

/** `source` repeated up to `length` bytes. */
function repeat(source, length) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length];
  return out;
}

/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2): `n` bytes of purpose `id` (3 = MAC
 * key) from the password (BMPString), the salt and the iteration count, with `digest`.
 */
async function pkcs12Kdf(digest, password, salt, iterations, id, n) {
  const { name, block: v } = digest;
  const s = subtle();
  const ceilTo = (x) => v * Math.ceil(x / v);
  const I = concat([repeat(salt, ceilTo(salt.length)), repeat(password, ceilTo(password.length))]);
  const D = new Uint8Array(v).fill(id);
  const out = [];
  for (let produced = 0; produced < n; ) {
    let A = new Uint8Array(await s.digest(name, concat([D, I])));
    for (let r = 1; r < iterations; r++) A = new Uint8Array(await s.digest(name, A));
    out.push(A);
    produced += A.length;
    if (produced < n) {
      // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B = A repeated to v bytes.
      const B = repeat(A, v);
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = I[j + k] + B[k] + carry;
          I[j + k] = sum & 0xff;
          carry = sum >> 8;
        }
      }
    }
  }
  return concat(out).subarray(0, n);
}

/** Check MacData { DigestInfo { algorithm, digest }, macSalt, iterations DEFAULT 1 }. */
async function checkMac(macData, authSafe, password) {
  const [digestInfo, saltEl, iterEl] = fields(macData, 'MacData');
  const [algorithm, macValue] = fields(digestInfo, 'DigestInfo');
  const algorithmOid = readOid(fields(algorithm, 'AlgorithmIdentifier')[0]);
  const digest = DIGESTS[algorithmOid];
  if (!digest) {
    const what = algorithmOid === OID.pbmac1 ? 'PBMAC1 integrity' : `integrity by digest ${algorithmOid}`;
    fail('keyfile.unsupported_algorithm', `${what} is not implemented`);
  }
  const expected = octets(macValue, 'MAC');
  const salt = octets(saltEl, 'MAC salt');
  const iterations = iterEl ? readSmallInt(iterEl, 'MAC iterations') : 1;
  if (iterations < 1 || iterations > MAX_KDF_ITERATIONS) {
    fail('keyfile.unsupported_algorithm', `${iterations} iterations of the MAC key derivation`);
  }
  const macKey = await pkcs12Kdf(digest, bmpPassword(password), salt, iterations, 3, expected.length);
  const key = await subtle().importKey('raw', macKey, { name: 'HMAC', hash: digest.name }, false, ['verify']);
  return subtle().verify('HMAC', key, expected, authSafe);
}

/**
 * Decrypt what `algorithm` (an AlgorithmIdentifier element) protects: PBES2 with PBKDF2 and
 * AES-CBC. `null` when the password does not decrypt it (bad padding).
 */
async function decrypt(algorithm, data, password) {
  const [id, params] = fields(algorithm, 'encryption algorithm');
  const scheme = readOid(id);
  if (scheme.startsWith(`${OID.pkcs12Pbe}.`)) {
    fail('keyfile.unsupported_algorithm', `legacy PKCS#12 encryption ${scheme} (RC2/3DES/RC4): export the key file with AES`);
  }
  if (scheme !== OID.pbes2) fail('keyfile.unsupported_algorithm', `encryption scheme ${scheme}`);
  const [kdf, cipher] = fields(params, 'PBES2-params');
  const [kdfId, kdfParams] = fields(kdf, 'keyDerivationFunc');
  if (readOid(kdfId) !== OID.pbkdf2) fail('keyfile.unsupported_algorithm', `key derivation ${readOid(kdfId)}`);
  const [saltEl, iterEl, ...optional] = fields(kdfParams, 'PBKDF2-params');
  const salt = octets(saltEl, 'PBKDF2 salt');
  const iterations = readSmallInt(iterEl, 'PBKDF2 iterations');
  let prf = 'SHA-1'; // the DEFAULT, hmacWithSHA1
  for (const el of optional) {
    if (el.tag === 0x30) {
      const prfId = readOid(fields(el, 'prf')[0]);
      prf = HMACS[prfId] ?? fail('keyfile.unsupported_algorithm', `PBKDF2 with PRF ${prfId}`);
    }
  }
  if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    fail('keyfile.unsupported_algorithm', `${iterations} iterations of PBKDF2`);
  }
  const [cipherId, ivEl] = fields(cipher, 'encryptionScheme');
  const keyLength = CIPHERS[readOid(cipherId)] ?? fail('keyfile.unsupported_algorithm', `cipher ${readOid(cipherId)}`);
  const iv = octets(ivEl, 'IV');
  const s = subtle();
  let aesKey;
  try {
    const base = await s.importKey('raw', utf8.encode(password), 'PBKDF2', false, ['deriveBits']);
    const bits = await s.deriveBits({ name: 'PBKDF2', salt, iterations, hash: prf }, base, keyLength * 8);
    aesKey = await s.importKey('raw', bits, 'AES-CBC', false, ['decrypt']);
  } catch (e) {
    return fail('keyfile.unsupported_algorithm', `PBKDF2/${prf} or AES-${keyLength * 8}-CBC in this WebCrypto: ${e.message}`, e);
  }
  try {
    return new Uint8Array(await s.decrypt({ name: 'AES-CBC', iv }, aesKey, data));
  } catch {
    return null;
  }
}

/** The bags of one SafeContents, each as { type, value (element), localKeyId }. */
function readBags(safeContentsDer) {
  return fields(parseDer(safeContentsDer), 'SafeContents').map((bag) => {
    const [type, value, attributes] = fields(bag, 'SafeBag');
    let localKeyId = null;
    if (attributes) {
      for (const attribute of fields(attributes, 'bagAttributes', 0x31)) {
        const [attrType, values] = fields(attribute, 'bag attribute');
        if (readOid(attrType) === OID.localKeyId) localKeyId = octets(fields(values, 'localKeyId', 0x31)[0], 'localKeyId');
      }
    }
    return { type: readOid(type), value: fields(value, 'bagValue', 0xa0)[0], localKeyId };
  });
}

/**
 * Open a PKCS#12 key file with its password: check its integrity, decrypt its key, read its
 * certificates, import the key into WebCrypto (non-extractable) and check that it belongs to
 * the holder's certificate. See the top of this file for the result and the error codes.
 */
export async function openKeyFile(bytes, password) {
  const s = subtle();
  const pfxBytes = asBytes(bytes);
  if (!pfxBytes) fail('keyfile.not_pkcs12', 'the key file must be given as bytes (Uint8Array)');
  if (typeof password !== 'string') fail('keyfile.wrong_password', 'the password must be a string');

  // PFX ::= SEQUENCE { version 3, authSafe ContentInfo(data), macData MacData OPTIONAL }
  let authSafe;
  let macData;
  let authenticatedSafe;
  try {
    const pfx = fields(parseDer(pfxBytes), 'PFX');
    if (readSmallInt(pfx[0], 'version') !== 3) throw new DerError('not version 3');
    const [contentType, explicit] = fields(pfx[1], 'authSafe');
    if (readOid(contentType) !== OID.data) throw new DerError('authSafe is not data (public-key integrity is not read)');
    authSafe = octets(fields(explicit, 'authSafe content', 0xa0)[0], 'authSafe');
    macData = pfx[2];
    authenticatedSafe = fields(parseDer(authSafe), 'AuthenticatedSafe');
  } catch (e) {
    if (e instanceof SignError) throw e;
    fail('keyfile.not_pkcs12', e.message, e);
  }

  let macChecked = false;
  if (macData) {
    let ok;
    try {
      ok = await checkMac(macData, authSafe, password);
    } catch (e) {
      if (e instanceof SignError) throw e;
      fail('keyfile.not_pkcs12', `MacData: ${e.message}`, e);
    }
    if (!ok) fail('keyfile.wrong_password', 'the integrity check (MAC) fails with this password');
    macChecked = true;
  }

  // Without a MAC a failed decryption is the password's fault; with a checked MAC, the file's.
  const undecryptable = macChecked
    ? () => fail('keyfile.damaged', 'the password opens the file, but not what is encrypted in it')
    : () => fail('keyfile.wrong_password', 'the contents do not decrypt with this password');

  const keys = [];
  const certs = [];
  try {
    for (const info of authenticatedSafe) {
      const [contentType, explicit] = fields(info, 'ContentInfo');
      const type = readOid(contentType);
      let safeContents;
      if (type === OID.data) {
        safeContents = octets(fields(explicit, 'data', 0xa0)[0], 'data');
      } else if (type === OID.encryptedData) {
        // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType,
        //   contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent OCTET STRING } }
        const [, eci] = fields(fields(explicit, 'encryptedData', 0xa0)[0], 'EncryptedData');
        const [, algorithm, encrypted] = fields(eci, 'EncryptedContentInfo');
        if (!encrypted) continue; // nothing inside
        safeContents = await decrypt(algorithm, octets(encrypted, 'encryptedContent', 0x80), password);
        if (!safeContents) undecryptable();
      } else {
        fail('keyfile.unsupported_algorithm', `a ${type} part (public-key privacy is not read)`);
      }
      for (const bag of readBags(safeContents)) {
        if (bag.type === OID.keyBag) {
          keys.push({ pkcs8: whole(bag.value).slice(), localKeyId: bag.localKeyId });
        } else if (bag.type === OID.shroudedKeyBag) {
          const [algorithm, encrypted] = fields(bag.value, 'EncryptedPrivateKeyInfo');
          const pkcs8 = await decrypt(algorithm, octets(encrypted, 'encryptedData'), password);
          if (!pkcs8) undecryptable();
          keys.push({ pkcs8, localKeyId: bag.localKeyId });
        } else if (bag.type === OID.certBag) {
          const [certType, certValue] = fields(bag.value, 'CertBag');
          if (readOid(certType) !== OID.x509Certificate) continue;
          const der = octets(fields(certValue, 'certValue', 0xa0)[0], 'certificate').slice();
          certs.push({ cert: readCertificate(der), localKeyId: bag.localKeyId });
        }
      }
    }
  } catch (e) {
    if (e instanceof SignError) throw e;
    fail(macChecked ? 'keyfile.damaged' : 'keyfile.not_pkcs12', e.message, e);
  }

  let params;
  let algorithm;
  let privateKey;
  try {
    if (keys.length === 0) fail('keyfile.no_key', 'the file holds no private key');
    if (certs.length === 0) fail('keyfile.no_certificate', 'the file holds no certificate');
    // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, privateKey OCTET STRING, … }
    try {
      const [, alg] = fields(parseDer(keys[0].pkcs8), 'PrivateKeyInfo');
      const [id, curve] = fields(alg, 'privateKeyAlgorithm');
      algorithm = [readOid(id), curve && curve.tag === 0x06 ? readOid(curve) : null];
    } catch (e) {
      // Without a MAC, a wrong password may still decrypt to valid padding (1 in 256).
      fail(macChecked ? 'keyfile.damaged' : 'keyfile.wrong_password', `the private key: ${e.message}`, e);
    }
    params = webCryptoKey(...algorithm);
    try {
      privateKey = await s.importKey('pkcs8', keys[0].pkcs8, params.import, false, ['sign']);
    } catch (e) {
      fail('keyfile.damaged', `WebCrypto does not import the private key: ${e.message}`, e);
    }
  } finally {
    // The decrypted keys live on only inside WebCrypto.
    for (const k of keys) k.pkcs8.fill(0);
  }
  const { localKeyId } = keys[0];

  // The holder's certificate: the one whose key is the private key's. The candidates in order:
  // the one with the key's localKeyId, then the others but self-signed roots.
  const candidates = [
    ...certs.filter((c) => localKeyId && c.localKeyId && equalBytes(c.localKeyId, localKeyId)),
    ...certs.filter((c) => !(localKeyId && c.localKeyId && equalBytes(c.localKeyId, localKeyId)) && !selfSigned(c.cert)),
  ];
  const probe = utf8.encode('qyzmet: does this key belong to this certificate?');
  let probeSignature;
  try {
    probeSignature = await s.sign(params.sign, privateKey, probe);
  } catch (e) {
    fail('keyfile.damaged', `WebCrypto does not sign with the private key: ${e.message}`, e);
  }
  let holder = null;
  for (const { cert } of candidates) {
    if (cert.keyAlgorithm !== algorithm[0] || cert.keyCurve !== algorithm[1]) continue;
    try {
      const publicKey = await s.importKey('spki', cert.spki, params.import, false, ['verify']);
      if (await s.verify(params.sign, publicKey, probeSignature, probe)) {
        holder = cert;
        break;
      }
    } catch {
      // a certificate whose key does not import is not the holder's
    }
  }
  if (!holder) fail('keyfile.key_mismatch', "no certificate in the file carries the private key's public key");

  return Object.freeze({
    certificate: holder.der,
    chain: Object.freeze(certs.filter((c) => c.cert !== holder).map((c) => c.cert.der)),
    subject: holder.subject,
    issuer: holder.issuer,
    serialNumber: holder.serialHex,
    notBefore: holder.notBefore,
    notAfter: holder.notAfter,
    algorithm: params.name,
    purpose: holder.purpose,
    roles: Object.freeze([...holder.roles]),
    privateKey,
  });
}

// ---------------------------------------------------------------------------------------------
// CMS SignedData, CAdES-BES (RFC 5652, RFC 5035, ETSI EN 319 122-1)

/** WebCrypto's ECDSA signature (r || s) as DER: SEQUENCE { INTEGER r, INTEGER s }. */
function ecdsaDer(raw) {
  const half = raw.length / 2;
  return seq(unsignedInt(raw.subarray(0, half)), unsignedInt(raw.subarray(half)));
}

const attribute = (type, value) => seq(oid(type), setOf(value));

/**
 * Sign `content` with a KeyFile from openKeyFile: the DER of a ContentInfo(SignedData) with
 * the content inside, or without it when `detached`. `signingTime` is the time the
 * signature claims (now by default; whole seconds are written).
 */
export async function signCms(keyFile, content, { detached = false, signingTime = new Date(), withChain = true } = {}) {
  const s = subtle();
  const data = asBytes(content);
  if (!data) fail('sign.bad_input', 'the content must be bytes (Uint8Array), not a string: encode it first');
  const key = keyFile && keyFile.privateKey;
  if (!key || typeof key !== 'object' || !key.usages || !key.usages.includes('sign') || !asBytes(keyFile.certificate)) {
    fail('sign.bad_input', 'the key file must be one openKeyFile returned');
  }
  if (!(signingTime instanceof Date) || Number.isNaN(signingTime.getTime())) {
    fail('sign.bad_input', 'signingTime must be a valid Date');
  }
  let cert;
  let chain;
  try {
    cert = readCertificate(asBytes(keyFile.certificate));
    chain = (withChain ? keyFile.chain ?? [] : []).map((der) => readCertificate(asBytes(der)));
  } catch (e) {
    fail('sign.bad_input', `a certificate of the key file does not read: ${e.message}`, e);
  }
  const params = webCryptoKey(cert.keyAlgorithm, cert.keyCurve);
  if (key.algorithm.name !== params.import.name) {
    fail('sign.bad_input', `a ${key.algorithm.name} key with a ${params.name} certificate`);
  }
  const rsa = params.import.name === 'RSASSA-PKCS1-v1_5';
  // As crates/pki/src/algorithm.rs writes them: NULL parameters for the RSA line only.
  const digestAlgorithm = rsa ? seq(oid(OID.sha256), nullValue()) : seq(oid(OID.sha256));
  const signatureAlgorithm = rsa ? seq(oid(OID.sha256WithRsa), nullValue()) : seq(oid(OID.ecdsaWithSha256));

  const digest = new Uint8Array(await s.digest('SHA-256', data));
  const certHash = new Uint8Array(await s.digest('SHA-256', cert.der));
  // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash (hashAlgorithm SHA-256 is
  // the DEFAULT, left out), issuerSerial { issuer GeneralNames { [4] directoryName }, serial } } }
  const essCertId = seq(octetString(certHash), seq(seq(ctx(4, cert.issuerDer)), cert.serial));
  const signedAttributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(digest)),
    attribute(OID.signingTime, time(signingTime)),
    attribute(OID.signingCertificateV2, seq(seq(essCertId))),
  ];
  // The signature covers the attributes as a SET OF (tag 0x31); the SignerInfo carries the
  // same bytes under [0] IMPLICIT.
  const signedAttrsSet = setOf(...signedAttributes);
  let signature;
  try {
    signature = new Uint8Array(await s.sign(params.sign, key, signedAttrsSet));
  } catch (e) {
    fail('sign.failed', e.message, e);
  }
  if (!rsa) signature = ecdsaDer(signature);

  const signerInfo = seq(
    smallInt(1),
    seq(cert.issuerDer, cert.serial), // sid: IssuerAndSerialNumber
    digestAlgorithm,
    concat([Uint8Array.of(0xa0), signedAttrsSet.subarray(1)]),
    signatureAlgorithm,
    octetString(signature),
  );
  const certificates = [cert.der];
  for (const c of chain) {
    if (!selfSigned(c) && !certificates.some((d) => equalBytes(d, c.der))) certificates.push(c.der);
  }
  const encapsulated = detached ? seq(oid(OID.data)) : seq(oid(OID.data), ctx(0, octetString(data)));
  const signedData = seq(
    smallInt(1),
    setOf(digestAlgorithm),
    encapsulated,
    tlv(0xa0, ...[...certificates].sort(compareDer)), // [0] IMPLICIT CertificateSet (SET OF)
    setOf(signerInfo),
  );
  return seq(oid(OID.signedData), ctx(0, signedData));
}
