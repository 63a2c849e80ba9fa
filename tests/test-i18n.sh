#!/bin/bash
# zh_CN is a first-class translation: --help and errors are Chinese.
. "${top_srcdir:-..}/tests/functions.sh"
set -e -x
requires_locale zh_CN.UTF-8
tmpdir
export LANGUAGE=zh_CN LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8

x2k --help > "$TMPD/help"
assert_contains "$TMPD/help" "源（Xen 主机和虚拟机）："
assert_contains "$TMPD/help" "要转换的虚拟机名称"
assert_contains "$TMPD/help" "--vm-name=名称"

set +e
x2k --batch --vm-name=g 2> "$TMPD/err"; rc=$?
set -e
[ $rc = 2 ]
assert_contains "$TMPD/err" "xen2kvm: 错误："
assert_contains "$TMPD/err" "xen 模式需要 --uri"

# And English without the catalog.
LANGUAGE=C LANG=C.UTF-8 LC_ALL=C.UTF-8 x2k --help > "$TMPD/help.en"
assert_contains "$TMPD/help.en" "Name of the guest to convert"
