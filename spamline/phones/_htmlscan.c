/* The compiled twin of spamline.phones.htmltext.python_html_text and htmltokens.Tokens (its
 * reference: every rule here reproduces one of their regexes, character for character, with the
 * same remembered failures that keep both linear; tests/phones/test_htmlscan.py compares the two).
 *
 * scan(source, unescape) -> (visible_text, visible_pieces, others_text, others_pieces, titles)
 *
 * pieces: packed native int64, 4 per piece: text start, source start, source end, flags;
 * flags bit 0 = literal (one source character per text character), flags >> 1 = kind index in
 * ("text", "tel", "attr", "meta", "script", "jsonld"). titles: (start, end) of each <title> body.
 * unescape(token) gives the text of an entity, a JS escape or a %XX (htmltext._unescape).
 */
#ifndef HTMLSCAN_TEMPLATE
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { K_TEXT, K_TEL, K_ATTR, K_META, K_SCRIPT, K_JSONLD };
enum { M_ENTITY, M_PERCENT, M_MARKUP };  /* the escapes _add_decoded reads */

typedef struct {
    Py_UCS4 *text;
    Py_ssize_t tlen, tcap;
    int64_t *pieces;
    Py_ssize_t plen, pcap;  /* in int64 units */
} Out;

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
    PyObject *src, *unescape, *titles;
    Out vis, oth;
    Py_ssize_t last_gt;           /* the last ">" of the source, or -1 */
    unsigned char *dead;          /* bitmap: an attribute list resumed here reaches the end */
    Py_ssize_t gt_from, gt_at;    /* cache of next_gt: the first ">" at or after gt_from */
    Py_ssize_t ph_gt, ph_last;    /* the last hidden-style phrase before the ">" ph_gt starts at ph_last (or -1) */
} Scan;

/* ---- character classes, as Python's re reads them ---- */

static inline int is_space(Py_UCS4 c) { return Py_UNICODE_ISSPACE(c); }
static inline int is_word(Py_UCS4 c) {
    if (c < 128)
        return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    return Py_UNICODE_ISALNUM(c);
}
static inline int is_ascii_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int is_hex(Py_UCS4 c) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
static inline int is_ascii_alpha(Py_UCS4 c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* c matches the pattern character p under re.IGNORECASE (p: lower-case ASCII letter or other ASCII) */
static inline int ci_is(Py_UCS4 c, char p) {
    if (p < 'a' || p > 'z')
        return c == (Py_UCS4)p;
    if (c < 128)
        return (c | 0x20) == (Py_UCS4)p;
    return (p == 's' && c == 0x17F) || (p == 'i' && (c == 0x130 || c == 0x131)) || (p == 'k' && c == 0x212A);
}

/* the lower-case letter that c matches under IGNORECASE, or 0 */
static inline char ci_fold(Py_UCS4 c) {
    if (c < 128)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? (char)(c | 0x20) : 0;
    switch (c) {
    case 0x17F: return 's';
    case 0x130: case 0x131: return 'i';
    case 0x212A: return 'k';
    }
    return 0;
}

typedef struct {
    const char *s;
    Py_ssize_t len;
} Name;
#define NAME(x) {x, sizeof(x) - 1}

/* (?i)[a-zA-Z] */
static inline int ci_alpha(Py_UCS4 c) {
    return c < 128 ? is_ascii_alpha(c) : (c == 0x17F || c == 0x130 || c == 0x131 || c == 0x212A);
}

/* the one ASCII character c.lower() gives, or 0 (U+212A KELVIN SIGN is the only non-ASCII
 * character whose lower() is one ASCII character; U+0130 gives "i" + U+0307) */
static inline char lower1(Py_UCS4 c) {
    if (c < 128)
        return (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    return c == 0x212A ? 'k' : 0;
}

static int is_cjk_numeral(Py_UCS4 c) {
    switch (c) {
    case 0x96F6: case 0x3007: case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB:
    case 0x4E94: case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5E7A:
        return 1;
    }
    return 0;
}

static int attr_name_char(Py_UCS4 c) {
    return !(c == '=' || c == '/' || c == '>' || c == '"' || c == '\'' || is_space(c));
}

#define DEAD(s, p) ((s)->dead != NULL && ((s)->dead[(p) >> 3] >> ((p) & 7) & 1))

/* ---- output ---- */

static int grow_text(Out *o, Py_ssize_t more) {
    if (o->tlen + more <= o->tcap)
        return 0;
    Py_ssize_t cap = o->tcap * 2 + more + 64;
    Py_UCS4 *t = PyMem_Realloc(o->text, (size_t)cap * sizeof(Py_UCS4));
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    o->text = t;
    o->tcap = cap;
    return 0;
}

static int add_piece(Out *o, Py_ssize_t tstart, Py_ssize_t sstart, Py_ssize_t send, int literal, int kind) {
    if (o->plen + 4 > o->pcap) {
        Py_ssize_t cap = o->pcap * 2 + 64;
        int64_t *p = PyMem_Realloc(o->pieces, (size_t)cap * sizeof(int64_t));
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        o->pieces = p;
        o->pcap = cap;
    }
    int64_t *p = o->pieces + o->plen;
    p[0] = tstart;
    p[1] = sstart;
    p[2] = send;
    p[3] = literal | (kind << 1);
    o->plen += 4;
    return 0;
}

/* TextMap.add_replaced("\n", a, b) */
static int put_newline(Out *o, Py_ssize_t a, Py_ssize_t b, int kind) {
    if (grow_text(o, 1) < 0 || add_piece(o, o->tlen, a, b, 0, kind) < 0)
        return -1;
    o->text[o->tlen++] = '\n';
    return 0;
}

/* TextMap.add_replaced(unescape(source[a:b]), a, b) */
static int put_token(Scan *s, Out *o, Py_ssize_t a, Py_ssize_t b, int kind) {
    PyObject *token = PyUnicode_Substring(s->src, a, b);
    if (token == NULL)
        return -1;
    PyObject *r = PyObject_CallOneArg(s->unescape, token);
    Py_DECREF(token);
    if (r == NULL)
        return -1;
    if (!PyUnicode_Check(r)) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_TypeError, "unescape must return a str");
        return -1;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(r);
    int rc = 0;
    if (len > 0) {
        if (grow_text(o, len) < 0 || add_piece(o, o->tlen, a, b, 0, kind) < 0)
            rc = -1;
        else {
            int rk = PyUnicode_KIND(r);
            const void *rd = PyUnicode_DATA(r);
            for (Py_ssize_t i = 0; i < len; i++)
                o->text[o->tlen++] = PyUnicode_READ(rk, rd, i);
        }
    }
    Py_DECREF(r);
    return rc;
}

/* a name of 1 to 6 ASCII letters packed in an int, as inline_tag packs it */
#define K1(a) ((uint64_t)(a))
#define K2(a, b) (K1(a) << 8 | (b))
#define K3(a, b, c) (K2(a, b) << 8 | (c))
#define K4(a, b, c, d) (K3(a, b, c) << 8 | (d))
#define K5(a, b, c, d, e) (K4(a, b, c, d) << 8 | (e))
#define K6(a, b, c, d, e, f) (K5(a, b, c, d, e) << 8 | (f))

#define lower_eq(s, a, b, word) F(lower_eq_n)(s, a, b, word, sizeof(word) - 1)

/* the scanner, once for each kind of str (CHAR: its character type) */
#define HTMLSCAN_TEMPLATE
#define CHAR Py_UCS1
#define F(name) name##_ucs1
#include "_htmlscan.c"
#undef CHAR
#undef F
#define CHAR Py_UCS2
#define F(name) name##_ucs2
#include "_htmlscan.c"
#undef CHAR
#undef F
#define CHAR Py_UCS4
#define F(name) name##_ucs4
#include "_htmlscan.c"
#undef CHAR
#undef F

static PyObject *out_text(Out *o) {
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, o->text ? o->text : (Py_UCS4 *)"", o->tlen);
}

static PyObject *out_pieces(Out *o) {
    return PyBytes_FromStringAndSize((const char *)o->pieces, (Py_ssize_t)(o->plen * sizeof(int64_t)));
}

static PyObject *scan(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *src, *unescape, *result = NULL;
    if (!PyArg_ParseTuple(args, "UO:scan", &src, &unescape))
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(src) < 0)
        return NULL;
#endif
    Scan s;
    memset(&s, 0, sizeof(s));
    s.kind = PyUnicode_KIND(src);
    s.data = PyUnicode_DATA(src);
    s.n = PyUnicode_GET_LENGTH(src);
    s.src = src;
    s.unescape = unescape;
    s.gt_from = s.gt_at = -1;
    s.ph_gt = s.ph_last = -1;
    s.titles = PyList_New(0);
    int rc = -1;
    if (s.titles != NULL)
        rc = s.kind == PyUnicode_1BYTE_KIND ? run_ucs1(&s) : s.kind == PyUnicode_2BYTE_KIND ? run_ucs2(&s) : run_ucs4(&s);
    if (rc == 0) {
        PyObject *vt = out_text(&s.vis), *vp = out_pieces(&s.vis);
        PyObject *ot = out_text(&s.oth), *op = out_pieces(&s.oth);
        if (vt && vp && ot && op)
            result = PyTuple_Pack(5, vt, vp, ot, op, s.titles);
        Py_XDECREF(vt);
        Py_XDECREF(vp);
        Py_XDECREF(ot);
        Py_XDECREF(op);
    }
    Py_XDECREF(s.titles);
    PyMem_Free(s.vis.text);
    PyMem_Free(s.vis.pieces);
    PyMem_Free(s.oth.text);
    PyMem_Free(s.oth.pieces);
    PyMem_Free(s.dead);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(source, unescape) -> (visible_text, visible_pieces, others_text, others_pieces, titles)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_htmlscan", "The compiled twin of spamline.phones.htmltext.python_html_text.",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__htmlscan(void) { return PyModule_Create(&module); }
#else  /* HTMLSCAN_TEMPLATE */

/* ---- the scanner for characters of type CHAR (this file includes itself once per kind) ---- */

#define CH(s, i) ((Py_UCS4)((const CHAR *)(s)->data)[i])

/* word matches at p under IGNORECASE, not reading at or past end */
static int F(ci_word)(Scan *s, Py_ssize_t p, Py_ssize_t end, const char *word) {
    for (; *word; word++, p++)
        if (p >= end || !ci_is(CH(s, p), *word))
            return 0;
    return 1;
}

/* source[a:b].lower() == word (word: lower-case ASCII, len letters) */
static int F(lower_eq_n)(Scan *s, Py_ssize_t a, Py_ssize_t b, const char *word, Py_ssize_t len) {
    if (len != b - a)
        return 0;
    for (; a < b; a++, word++)
        if (lower1(CH(s, a)) != *word)
            return 0;
    return 1;
}

/* source[a:b].lower().startswith(word) (word: lower-case ASCII without "i") */
static int F(lower_prefix)(Scan *s, Py_ssize_t a, Py_ssize_t b, const char *word) {
    for (; *word; a++, word++)
        if (a >= b || lower1(CH(s, a)) != *word)
            return 0;
    return 1;
}

/* word in source[a:b].lower() (word: lower-case ASCII without "i") */
static int F(lower_contains)(Scan *s, Py_ssize_t a, Py_ssize_t b, const char *word) {
    Py_ssize_t len = (Py_ssize_t)strlen(word);
    for (; a + len <= b; a++)
        if (F(lower_prefix)(s, a, a + len, word))
            return 1;
    return 0;
}

/* _HAS_DIGIT.search(source, a, b) */
static int F(has_digit)(Scan *s, Py_ssize_t a, Py_ssize_t b) {
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = CH(s, i);
        if (c < 128) {
            if (is_ascii_digit(c))
                return 1;
            if (i + 1 < b) {
                Py_UCS4 d = CH(s, i + 1);
                if ((c == '\\' && (d == 'u' || d == 'x')) || (c == '&' && d == '#'))
                    return 1;
            }
        }
        else if (Py_UNICODE_ISDECIMAL(c) || is_cjk_numeral(c))
            return 1;
    }
    return 0;
}

/* the first ch in source[p:end], or end */
static Py_ssize_t F(find_char)(Scan *s, Py_ssize_t p, Py_ssize_t end, CHAR ch) {
    const CHAR *d = s->data;
    if (sizeof(CHAR) == 1) {
        const CHAR *at = memchr(d + p, ch, (size_t)(end - p));
        return at ? at - d : end;
    }
    while (p < end && d[p] != ch)
        p++;
    return p;
}

/* TextMap.add_literal(source[a:b], a), spaced: \n \r \t \f read as spaces (htmltext._spaced) */
static int F(put_literal)(Scan *s, Out *o, Py_ssize_t a, Py_ssize_t b, int spaced, int kind) {
    if (b <= a)
        return 0;
    if (grow_text(o, b - a) < 0 || add_piece(o, o->tlen, a, b, 1, kind) < 0)
        return -1;
    Py_UCS4 *t = o->text + o->tlen;
    const CHAR *from = (const CHAR *)s->data + a, *stop = (const CHAR *)s->data + b;
    if (spaced)
        for (; from < stop; from++)
            *t++ = (*from == '\n' || *from == '\r' || *from == '\t' || *from == '\f') ? ' ' : *from;
    else
        for (; from < stop; from++)
            *t++ = *from;
    o->tlen += b - a;
    return 0;
}

/* ---- escapes: each returns the end of the token at p, or -1; never reads at or past end ---- */

/* &(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?) */
static Py_ssize_t F(entity_at)(Scan *s, Py_ssize_t p, Py_ssize_t end) {
    Py_ssize_t q = p + 1, r;
    int k;
    if (q >= end)
        return -1;
    Py_UCS4 c = CH(s, q);
    if (c == '#') {
        r = q + 1;
        for (k = 0; k < 7 && r < end && is_ascii_digit(CH(s, r)); k++)
            r++;
        if (k == 0) {
            if (r >= end || (CH(s, r) | 0x20) != 'x')
                return -1;
            r++;
            for (k = 0; k < 6 && r < end && is_hex(CH(s, r)); k++)
                r++;
            if (k == 0)
                return -1;
        }
    }
    else if (c < 128 && is_ascii_alpha(c)) {
        r = q + 1;
        for (k = 0; k < 31 && r < end; k++, r++) {
            Py_UCS4 d = CH(s, r);
            if (!(d < 128 && (is_ascii_alpha(d) || is_ascii_digit(d))))
                break;
        }
        if (k == 0)
            return -1;
    }
    else
        return -1;
    if (r < end && CH(s, r) == ';')
        r++;
    return r;
}

/* %[0-9a-fA-F]{2} */
static Py_ssize_t F(percent_at)(Scan *s, Py_ssize_t p, Py_ssize_t end) {
    return p + 2 < end && is_hex(CH(s, p + 1)) && is_hex(CH(s, p + 2)) ? p + 3 : -1;
}

static int F(hex_run)(Scan *s, Py_ssize_t p, Py_ssize_t end, int k) {
    for (; k > 0; k--, p++)
        if (p >= end || !is_hex(CH(s, p)))
            return 0;
    return 1;
}

/* \\(?:u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.) (DOTALL) */
static Py_ssize_t F(js_escape_at)(Scan *s, Py_ssize_t p, Py_ssize_t end) {
    Py_ssize_t q = p + 1;
    if (q >= end)
        return -1;
    Py_UCS4 c = CH(s, q);
    if (c == 'u') {
        if (q + 1 < end && CH(s, q + 1) == '{') {
            Py_ssize_t r = q + 2;
            int k;
            for (k = 0; k < 6 && r < end && is_hex(CH(s, r)); k++)
                r++;
            if (k > 0 && r < end && CH(s, r) == '}')
                return r + 1;
        }
        if (F(hex_run)(s, q + 1, end, 4))
            return q + 5;
    }
    else if (c == 'x' && F(hex_run)(s, q + 1, end, 2))
        return q + 3;
    return q + 1;
}

/* <[^<>]*> */
static Py_ssize_t F(tag_in_string_at)(Scan *s, Py_ssize_t p, Py_ssize_t end) {
    for (Py_ssize_t r = p + 1; r < end; r++) {
        Py_UCS4 c = CH(s, r);
        if (c == '>')
            return r + 1;
        if (c == '<')
            return -1;
    }
    return -1;
}

/* _add_decoded(tm, source, a, b, escape, html_text=spaced, markup=mode == M_MARKUP) */
static int F(put_decoded)(Scan *s, Out *o, Py_ssize_t a, Py_ssize_t b, int mode, int spaced, int kind) {
    Py_ssize_t lit = a, p = a;
    while (p < b) {
        if (mode != M_MARKUP && (p = F(find_char)(s, p, b, mode == M_ENTITY ? '&' : '%')) == b)
            break;
        Py_UCS4 c = CH(s, p);
        Py_ssize_t e = -1;
        int is_tag = 0;
        if (c == '&') {
            if (mode != M_PERCENT)
                e = F(entity_at)(s, p, b);
        }
        else if (c == '%') {
            if (mode == M_PERCENT)
                e = F(percent_at)(s, p, b);
        }
        else if (c == '\\') {
            if (mode == M_MARKUP)
                e = F(js_escape_at)(s, p, b);
        }
        else if (c == '<' && mode == M_MARKUP) {
            e = F(tag_in_string_at)(s, p, b);
            is_tag = 1;
        }
        if (e < 0) {
            p++;
            continue;
        }
        if (F(put_literal)(s, o, lit, p, spaced, kind) < 0)
            return -1;
        if (!is_tag && put_token(s, o, p, e, kind) < 0)  /* a tag stands for "": no piece */
            return -1;
        p = lit = e;
    }
    return F(put_literal)(s, o, lit, b, spaced, kind);
}

/* ---- script strings and attributes ---- */

/* every _STRING literal of source[a:b] that has a digit: its text, then "\n" for its closing quote.
 * A quote that never closes is skipped, and so is every quote of its kind up to where its body
 * ran out (inside that body each is escaped, so its body runs out there too): linear time. */
static int F(put_strings)(Scan *s, int kind, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t p = a, failed[3] = {a, a, a};  /* quotes " ' ` before these never close */
    while (p < b) {
        Py_UCS4 q = CH(s, p);
        int k = q == '"' ? 0 : q == '\'' ? 1 : q == '`' ? 2 : -1;
        if (k < 0 || p < failed[k]) {
            p++;
            continue;
        }
        Py_ssize_t r = p + 1, close = -1;
        while (r < b) {
            Py_UCS4 c = CH(s, r);
            if (c == q) {
                close = r;
                break;
            }
            if (c == '\\') {
                if (r + 1 >= b)
                    break;
                r += 2;
                continue;
            }
            if (c == '\n' && q != '`')
                break;
            r++;
        }
        if (close < 0) {
            failed[k] = r;
            p++;  /* a quote that never closes: the search resumes at the next character */
            continue;
        }
        if (F(has_digit)(s, p, close + 1)) {
            if (F(put_decoded)(s, &s->oth, p + 1, close, M_MARKUP, 0, kind) < 0 ||
                put_newline(&s->oth, close, close + 1, kind) < 0)
                return -1;
        }
        p = close + 1;
    }
    return 0;
}

/* _PHONE_SCHEME.match(source, a, b).end(), or -1 */
static Py_ssize_t F(phone_scheme)(Scan *s, Py_ssize_t a, Py_ssize_t b) {
    static const char *schemes[] = {"tel", "sms", "callto", "wtai://wp/mc;", "facetime-audio"};
    while (a < b && is_space(CH(s, a)))
        a++;
    for (int i = 0; i < 5; i++) {
        Py_ssize_t len = (Py_ssize_t)strlen(schemes[i]);
        if (F(ci_word)(s, a, b, schemes[i]) && a + len < b && CH(s, a + len) == ':') {
            Py_ssize_t e = a + len + 1;
            if (e + 1 < b && CH(s, e) == '/' && CH(s, e + 1) == '/')
                e += 2;
            return e;
        }
    }
    return -1;
}

static int F(is_text_attr)(Scan *s, Py_ssize_t a, Py_ssize_t b) {
    static const Name names[] = {NAME("alt"), NAME("title"), NAME("aria-label"), NAME("placeholder"),
                                 NAME("value"), NAME("label")};
    for (int i = 0; i < 6; i++)
        if (F(lower_eq_n)(s, a, b, names[i].s, names[i].len))
            return 1;
    return 0;
}

/* htmltext._attributes over the attribute list source[a:b] of a tag (meta: the tag is <meta>) */
static int F(put_attributes)(Scan *s, int meta, Py_ssize_t a, Py_ssize_t b) {
    if (!F(has_digit)(s, a, b))
        return 0;
    Py_ssize_t p = a;
    while (p < b) {
        if (!attr_name_char(CH(s, p))) {
            p++;
            continue;
        }
        Py_ssize_t ns = p;
        while (p < b && attr_name_char(CH(s, p)))
            p++;
        Py_ssize_t ne = p, q = p, vs = -1, ve = -1;
        while (q < b && is_space(CH(s, q)))
            q++;
        if (q < b && CH(s, q) == '=') {
            q++;
            while (q < b && is_space(CH(s, q)))
                q++;
            if (q < b) {
                Py_UCS4 c = CH(s, q);
                if (c == '"' || c == '\'') {
                    Py_ssize_t r = q + 1;
                    while (r < b && CH(s, r) != c)
                        r++;
                    if (r < b) {
                        vs = q + 1;
                        ve = r;
                        p = r + 1;
                    }
                }
                else if (c != '>' && !is_space(c)) {
                    Py_ssize_t r = q;
                    while (r < b && (c = CH(s, r)) != '>' && c != '"' && c != '\'' && !is_space(c))
                        r++;
                    vs = q;
                    ve = p = r;
                }
            }
        }
        if (vs < 0)
            continue;  /* a name alone */
        int kind;
        if (lower_eq(s, ns, ne, "href")) {
            Py_ssize_t e = F(phone_scheme)(s, vs, ve);
            if (e >= 0 && (F(put_decoded)(s, &s->oth, e, ve, M_PERCENT, 0, K_TEL) < 0 ||
                           put_newline(&s->oth, ve, ve, K_TEL) < 0))
                return -1;
            continue;
        }
        if (meta && lower_eq(s, ns, ne, "content"))
            kind = K_META;
        else if (F(is_text_attr)(s, ns, ne) || F(lower_prefix)(s, ns, ne, "data-"))
            kind = K_ATTR;
        else if (F(lower_prefix)(s, ns, ne, "on"))
            kind = K_SCRIPT;
        else
            continue;
        if (F(has_digit)(s, vs, ve) && (F(put_decoded)(s, &s->oth, vs, ve, M_ENTITY, 0, kind) < 0 ||
                                     put_newline(&s->oth, ve, ve, kind) < 0))
            return -1;
    }
    return 0;
}

/* ---- the tokens of _TOKEN ---- */

static Py_ssize_t F(next_gt)(Scan *s, Py_ssize_t p) {
    if (p > s->last_gt)
        return -1;
    if (p >= s->gt_from && p <= s->gt_at)
        return s->gt_at;
    Py_ssize_t r = p;
    while (CH(s, r) != '>')  /* stops at last_gt at the latest */
        r++;
    s->gt_from = p;
    s->gt_at = r;
    return r;
}

/* One step of the possessive _ATTRS loop at p (not a ">", p < n): the next loop position. */
static Py_ssize_t F(attrs_step)(Scan *s, Py_ssize_t p) {
    Py_ssize_t n = s->n;
    Py_UCS4 c = CH(s, p);
    if (is_space(c)) {
        do
            p++;
        while (p < n && is_space(CH(s, p)));
        return p;
    }
    if (c == '/')
        return p + 1;
    p++;  /* [^\s/>][^\s/>=]*+ */
    while (p < n && (c = CH(s, p)) != '/' && c != '>' && c != '=' && !is_space(c))
        p++;
    Py_ssize_t q = p;
    while (q < n && is_space(CH(s, q)))
        q++;
    if (q >= n || CH(s, q) != '=')
        return p;
    q++;
    while (q < n && is_space(CH(s, q)))
        q++;
    if (q < n && ((c = CH(s, q)) == '"' || c == '\'')) {
        Py_ssize_t r = q + 1;
        Py_UCS4 d;
        while (r < n && (d = CH(s, r)) != c && d != '<')
            r++;
        if (r < n && CH(s, r) == c)
            return r + 1;
    }
    while (q < n && (c = CH(s, q)) != '>' && !is_space(c))
        q++;
    return q;
}

/* The ">" that ends _ATTRS matched from p, or -1 if it runs to the end of the source.
 * The loop is possessive, so where it stops depends on its position alone: the positions
 * a failed run went through are remembered and end any later run at once. */
static Py_ssize_t F(attrs_end)(Scan *s, Py_ssize_t p) {
    Py_ssize_t start = p;
    while (p < s->n && p <= s->last_gt && !DEAD(s, p)) {
        if (CH(s, p) == '>')
            return p;
        p = F(attrs_step)(s, p);
    }
    Py_ssize_t stop = p;
    if (stop > start && s->dead == NULL) {
        s->dead = PyMem_Calloc((size_t)(s->n >> 3) + 1, 1);
        if (s->dead == NULL) {
            PyErr_NoMemory();
            return -2;
        }
    }
    /* each step's start, and every character of a name or of white space in it: a run resumed
     * inside one goes on as the failed run did */
    for (p = start; p < stop;) {
        Py_ssize_t next = F(attrs_step)(s, p), upto = p + 1;
        Py_UCS4 c = CH(s, p);
        if (is_space(c))
            upto = next;
        else if (c != '/')
            while (upto < next && (c = CH(s, upto)) != '/' && c != '>' && c != '=' && !is_space(c))
                upto++;
        for (; p < upto; p++)
            s->dead[p >> 3] |= (unsigned char)(1 << (p & 7));
        p = next;
    }
    return -1;
}

/* end of a case-insensitive name from the list at p followed by \b, or -1 */
static Py_ssize_t F(name_at)(Scan *s, Py_ssize_t p, const Name *names, int count, const char *firsts) {
    if (p >= s->n)
        return -1;
    char first = ci_fold(CH(s, p));
    if (first == 0 || strchr(firsts, first) == NULL)
        return -1;
    for (int i = 0; i < count; i++) {
        Py_ssize_t e = p + names[i].len;
        if (names[i].s[0] == first && F(ci_word)(s, p + 1, s->n, names[i].s + 1) && (e >= s->n || !is_word(CH(s, e))))
            return e;
    }
    return -1;
}

/* </(?P=name)\s*> at p, name = source[a:b] (the backreference compares simple lower cases) */
static Py_ssize_t F(closing_at)(Scan *s, Py_ssize_t p, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t n = s->n;
    if (p + 1 >= n || CH(s, p) != '<' || CH(s, p + 1) != '/')
        return -1;
    p += 2;
    for (Py_ssize_t i = a; i < b; i++, p++)
        if (p >= n || Py_UNICODE_TOLOWER(CH(s, p)) != Py_UNICODE_TOLOWER(CH(s, i)))
            return -1;
    while (p < n && is_space(CH(s, p)))
        p++;
    return p < n && CH(s, p) == '>' ? p + 1 : -1;
}

/* display\s*:\s*none|visibility\s*:\s*hidden at p (never past a ">") */
static int F(hidden_phrase_at)(Scan *s, Py_ssize_t p, Py_ssize_t end) {
    static const char *words[][2] = {{"display", "none"}, {"visibility", "hidden"}};
    for (int i = 0; i < 2; i++) {
        if (!F(ci_word)(s, p, end, words[i][0]))
            continue;
        Py_ssize_t q = p + (Py_ssize_t)strlen(words[i][0]);
        while (q < end && is_space(CH(s, q)))
            q++;
        if (q >= end || CH(s, q) != ':')
            continue;
        q++;
        while (q < end && is_space(CH(s, q)))
            q++;
        if (F(ci_word)(s, q, end, words[i][1]))
            return 1;
    }
    return 0;
}

/* the end of the hidden inline element (_TOKEN's "poison") at "<" p, or -1 */
static Py_ssize_t F(poison_at)(Scan *s, Py_ssize_t p) {
    static const Name names[] = {NAME("span"), NAME("i"), NAME("em"), NAME("b"), NAME("font"), NAME("s"),
                                 NAME("u"), NAME("small"), NAME("strong"), NAME("sup"), NAME("sub")};
    Py_ssize_t ne = F(name_at)(s, p + 1, names, 11, "siebfu");
    if (ne < 0)
        return -1;
    Py_ssize_t g = F(next_gt)(s, ne);
    if (g < 0)
        return -1;
    /* a phrase anywhere in [ne, g): every "<" before g shares g, and comes after this one, so the
     * last phrase before g, searched for once from the first of them, answers for them all */
    if (g != s->ph_gt) {
        s->ph_gt = g;
        s->ph_last = -1;
        for (Py_ssize_t q = g - 1; q >= ne && s->ph_last < 0; q--)
            if (F(hidden_phrase_at)(s, q, g))
                s->ph_last = q;
    }
    if (s->ph_last < ne)
        return -1;
    Py_ssize_t q = g + 1;  /* [^<]{0,3}</(?P=poison)\s*> */
    for (int k = 0; k <= 3 && q < s->n; k++, q++)
        if (CH(s, q) == '<')
            return F(closing_at)(s, q, p + 1, ne);
    return -1;
}

/* a raw element's body end: the first </name\s*> from p on, or the end */
static void F(raw_body)(Scan *s, Py_ssize_t p, Py_ssize_t a, Py_ssize_t b, Py_ssize_t *body_end, Py_ssize_t *end) {
    for (; p < s->n; p++) {
        if (CH(s, p) != '<')
            continue;
        Py_ssize_t e = F(closing_at)(s, p, a, b);
        if (e >= 0) {
            *body_end = p;
            *end = e;
            return;
        }
    }
    *body_end = *end = s->n;
}

/* source[a:b].lower() in INLINE */
static int F(inline_tag)(Scan *s, Py_ssize_t a, Py_ssize_t b) {
    uint64_t key = 0;  /* the lower-cased name's letters, packed */
    if (b - a > 6)
        return 0;
    for (Py_ssize_t i = a; i < b; i++) {
        char c = lower1(CH(s, i));
        if (c == 0)
            return 0;
        key = key << 8 | (unsigned char)c;
    }
    switch (key) {
    case K1('a'): case K4('a', 'b', 'b', 'r'): case K1('b'): case K3('b', 'd', 'i'): case K3('b', 'd', 'o'):
    case K3('b', 'i', 'g'): case K4('c', 'i', 't', 'e'): case K4('c', 'o', 'd', 'e'):
    case K4('d', 'a', 't', 'a'): case K3('d', 'e', 'l'): case K3('d', 'f', 'n'): case K2('e', 'm'):
    case K4('f', 'o', 'n', 't'): case K1('i'): case K3('i', 'n', 's'): case K3('k', 'b', 'd'):
    case K5('l', 'a', 'b', 'e', 'l'): case K4('m', 'a', 'r', 'k'): case K4('n', 'o', 'b', 'r'): case K1('q'):
    case K2('r', 'p'): case K2('r', 't'): case K4('r', 'u', 'b', 'y'): case K1('s'):
    case K4('s', 'a', 'm', 'p'): case K5('s', 'm', 'a', 'l', 'l'): case K4('s', 'p', 'a', 'n'):
    case K6('s', 't', 'r', 'i', 'k', 'e'): case K6('s', 't', 'r', 'o', 'n', 'g'): case K3('s', 'u', 'b'):
    case K3('s', 'u', 'p'): case K4('t', 'i', 'm', 'e'): case K2('t', 't'): case K1('u'):
    case K3('v', 'a', 'r'): case K3('w', 'b', 'r'):
        return 1;
    }
    return 0;
}

/* the visible text before a token, from `from` to the token's "<" p */
static int F(put_text)(Scan *s, Py_ssize_t from, Py_ssize_t p) {
    /* run() has copied it already, "&" tokens cut out: it only needs its piece */
    return p > from ? add_piece(&s->vis, s->vis.tlen - (p - from), from, p, 1, K_TEXT) : 0;
}

/* The token at "<" p: returns its end (> p) after adding the text from `from` to p and the
 * token's own pieces, 0 if no token starts here, -1 on error. */
static Py_ssize_t F(token_at)(Scan *s, Py_ssize_t from, Py_ssize_t p) {
    static const Name raw_names[] = {NAME("script"), NAME("style"), NAME("template"), NAME("xmp"), NAME("iframe"),
                                     NAME("noembed"), NAME("noframes"), NAME("textarea"), NAME("title")};
    Py_ssize_t n = s->n;
    if (p + 1 >= n)
        return 0;
    Py_UCS4 c = CH(s, p + 1);
    if (c == '!' && p + 3 < n && CH(s, p + 2) == '-' && CH(s, p + 3) == '-') {
        for (Py_ssize_t q = p + 4; q + 2 < n; q++)
            if (CH(s, q) == '-' && CH(s, q + 1) == '-' && CH(s, q + 2) == '>')
                return F(put_text)(s, from, p) < 0 ? -1 : q + 3;
        return F(put_text)(s, from, p) < 0 ? -1 : n;
    }
    Py_ssize_t e = F(poison_at)(s, p);
    if (e >= 0)
        return F(put_text)(s, from, p) < 0 ? -1 : e;
    Py_ssize_t ne = F(name_at)(s, p + 1, raw_names, 9, "stxin");
    if (ne >= 0) {
        Py_ssize_t g = F(attrs_end)(s, ne);
        if (g == -2)
            return -1;
        if (g >= 0) {
            Py_ssize_t body_end, end;
            F(raw_body)(s, g + 1, p + 1, ne, &body_end, &end);
            if (F(put_text)(s, from, p) < 0 || put_newline(&s->vis, p, g + 1, K_TEXT) < 0 ||
                F(put_attributes)(s, 0, ne, g) < 0)
                return -1;
            int title = lower_eq(s, p + 1, ne, "title");
            if (title || lower_eq(s, p + 1, ne, "textarea")) {
                if (F(put_decoded)(s, &s->vis, g + 1, body_end, M_ENTITY, 1, K_TEXT) < 0)
                    return -1;
                if (title) {
                    PyObject *span = Py_BuildValue("(nn)", g + 1, body_end);
                    if (span == NULL || PyList_Append(s->titles, span) < 0) {
                        Py_XDECREF(span);
                        return -1;
                    }
                    Py_DECREF(span);
                }
            }
            else if (lower_eq(s, p + 1, ne, "script")) {
                int kind = F(lower_contains)(s, ne, g, "ld+json") ? K_JSONLD : K_SCRIPT;
                if (F(put_strings)(s, kind, g + 1, body_end) < 0)
                    return -1;
            }
            if (put_newline(&s->vis, body_end, end, K_TEXT) < 0)
                return -1;
            return end;
        }
    }
    int close = c == '/';
    Py_ssize_t ns = p + 1 + close;
    if (ns < n && ci_alpha(CH(s, ns))) {
        Py_ssize_t q = ns + 1;
        while (q < n && ((c = CH(s, q)) == ':' || c == '-' || is_word(c)))
            q++;
        /* If _ATTRS finds no ">" after the whole name, [\w:-]* gives back characters. Given back,
         * name characters start an attribute that runs past the name's end, the same from each
         * of them but the first: one character given back tells what any number would. */
        for (Py_ssize_t shortest = q - 1 > ns ? q - 1 : q; q >= shortest; q--) {
            Py_ssize_t g = F(attrs_end)(s, q);
            if (g == -2)
                return -1;
            if (g < 0)
                continue;
            if (F(put_text)(s, from, p) < 0)
                return -1;
            if (!F(inline_tag)(s, ns, q) && put_newline(&s->vis, p, g + 1, K_TEXT) < 0)
                return -1;
            if (!close && F(put_attributes)(s, lower_eq(s, ns, q, "meta"), q, g) < 0)
                return -1;
            return g + 1;
        }
    }
    if (CH(s, p + 1) == '!' || CH(s, p + 1) == '?') {
        Py_ssize_t g = F(next_gt)(s, p + 2);
        if (g >= 0) {
            if (F(put_text)(s, from, p) < 0 || put_newline(&s->vis, p, g + 1, K_TEXT) < 0)
                return -1;
            return g + 1;
        }
    }
    return 0;
}

/* The visible text and its tokens: text is copied as it is read (its literal piece is added
 * where a token or an entity ends it), each "<" and "&" is tried as a token. An entity never
 * holds a "<", so reading it to the end of the source is reading it to the end of its stretch
 * of text, as python_html_text does. */
static int F(run)(Scan *s) {
    const CHAR *d = s->data;
    Out *o = &s->vis;
    Py_ssize_t n = s->n, lit = 0, p = 0, lt = -1, amp = -1;
    for (s->last_gt = n - 1; s->last_gt >= 0 && d[s->last_gt] != '>'; s->last_gt--)
        ;
    while (p < n) {
        Py_ssize_t q = p;
        if (sizeof(CHAR) == 1) {  /* memchr: quick even when it looks past the next token */
            if (lt < p)
                lt = F(find_char)(s, p, n, '<');
            if (amp < p)
                amp = F(find_char)(s, p, n, '&');
            q = lt < amp ? lt : amp;
        }
        else
            while (q < n && d[q] != '<' && d[q] != '&')
                q++;
        if (q > p) {  /* plain text up to q */
            if (grow_text(o, q - p) < 0)
                return -1;
            Py_UCS4 *out = o->text + o->tlen;
            for (Py_ssize_t i = p; i < q; i++) {
                CHAR c = d[i];
                out[i - p] = (c == '\n' || c == '\r' || c == '\t' || c == '\f') ? ' ' : c;
            }
            o->tlen += q - p;
            p = q;
            if (p >= n)
                break;
        }
        Py_ssize_t e;
        if (d[p] == '<') {
            if ((e = F(token_at)(s, lit, p)) < 0)
                return -1;
        }
        else if ((e = F(entity_at)(s, p, n)) >= 0) {
            if (F(put_text)(s, lit, p) < 0 || put_token(s, o, p, e, K_TEXT) < 0)
                return -1;
        }
        if (e > 0) {
            lit = p = e;
            continue;
        }
        if (grow_text(o, 1) < 0)  /* a "<" or "&" that starts no token: text */
            return -1;
        o->text[o->tlen++] = d[p++];
    }
    return F(put_text)(s, lit, n);
}

#undef CH

#endif  /* HTMLSCAN_TEMPLATE */
