#!/usr/bin/env python3
"""Merge translations into a .po file: pofill.py PO POT DICT.py
DICT.py defines T = {msgid: msgstr}. Existing translations in PO are kept
unless DICT overrides them. Writes PO in place (msgmerge-compatible)."""
import re, subprocess, sys, tempfile, os
po, pot, dictfile = sys.argv[1:4]
ns = {}
exec(open(dictfile, encoding='utf-8').read(), ns)
T = ns['T']
tmp = tempfile.mktemp(suffix='.po')
subprocess.run(['msgmerge', '-q', '--no-fuzzy-matching', '--add-location=file', '-o', tmp, po, pot], check=True)
s = open(tmp, encoding='utf-8').read()
def esc(t):
    return t.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\t', '\\t')
def unesc(t):
    return bytes(t, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')
out = []
blocks = s.split('\n\n')
missing = []
for b in blocks:
    m = re.search(r'^msgid ((?:".*"\n?)+)^msgstr ((?:".*"\n?)+)', b, re.M)
    if not m:
        out.append(b); continue
    mid = unesc(''.join(re.findall(r'"(.*)"', m.group(1))))
    mstr = unesc(''.join(re.findall(r'"(.*)"', m.group(2))))
    if not mid:
        out.append(b); continue
    if mid in T:
        mstr = T[mid]
    if not mstr:
        missing.append(mid)
    b = b[:m.start(2)] + '"' + esc(mstr) + '"' + ('\n' if m.group(2).endswith('\n') else '') + b[m.end(2):]
    b = re.sub(r'^#, fuzzy\n', '', b, flags=re.M)
    b = re.sub(r'^(#,.*)fuzzy, ', r'\1', b, flags=re.M)
    out.append(b)
open(po, 'w', encoding='utf-8').write('\n\n'.join(out))
os.unlink(tmp)
subprocess.run(['msgattrib', '--no-obsolete', '-o', po, po], check=True)
for m in missing:
    print('UNTRANSLATED:', repr(m))
