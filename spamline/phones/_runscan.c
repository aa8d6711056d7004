/* Compiled twin of the number finding in extract.py, candidates.py and fold.py.
 *
 *   fold(text)                          fold.python_fold
 *   number_spans(folded, text, regions, include_possible, budget)
 *                                       extract.python_number_spans: the digit-run scan, the
 *                                       runs of digit groups (candidates.runs_in) and their
 *                                       cutting into numbers (extract._numbers_in_run)
 *   hits(spans, text, source, pieces, kinds, hit_type, context_chars)
 *                                       extract.python_hits, on a map made of packed pieces
 *   count_chars(text, chars)            how many characters of text are among chars
 *   count_classes(text, classes, n, limit)
 *                                       region.python_count_classes: how many characters of
 *                                       text[:limit] fall in each class of a 65536-byte table
 *
 * Everything that reads words or parses numbers stays in Python and is called back: phonenumbers
 * through the cached classify functions, the label, service-word and unit regexes, the budget's
 * parse count. The constants below mirror extract.py and candidates.py; tests/phones/
 * test_runscan.py holds this module to the Python code it mirrors, so a drift fails there.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define ZW 0x200B            /* fold.IGNORABLE */
#define MIN_DIGITS 7
#define MAX_DIGITS 17
#define MAX_NUMBER_GROUPS 13
#define MAX_GROUPS 48        /* candidates.MAX_GROUPS */
#define MIN_RUN_CHARS 5
#define SHORT_RUN_CHARS 7
#define LONG_GROUP 64
#define RUN_CAPACITY (2 * MAX_GROUPS)

/* hooks set once by configure() */
static PyObject *fold_map;        /* str of 65536 chars: what each basic-plane char folds to */
static PyObject *zone_classes;    /* bytes of 65536: 1 digit-like, 2 separator (fold.ZONE), 0 other */
static PyObject *translate_all;   /* text -> text.translate(TABLE), for texts with astral chars */
static PyObject *classify_fn, *classify_short_fn, *length_limit_fn;
static Py_ssize_t max_parses;  /* extract.MAX_PARSES */
static PyObject *service_before_fn, *labelled_fn, *unit_after_fn;
static PyObject *str_valid, *str_e164, *str_type, *str_region, *str_parses, *str_tries_left, *str_exhausted, *str_us;

typedef struct {
    const void *data;
    int kind;
    Py_ssize_t len;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

typedef struct {
    Py_ssize_t start, end;      /* the group in the folded text */
    Py_ssize_t sep_end;         /* sep_after is folded[end:sep_end] */
    Py_ssize_t ndigits;         /* len(Group.digits) */
    int plus;
    char digits[LONG_GROUP + 1]; /* ASCII digits (only for groups of at most LONG_GROUP chars) */
} Group;

typedef struct {
    Py_ssize_t start;
    int n;
    Group g[RUN_CAPACITY];
} Run;

typedef struct {
    Py_ssize_t limit;  /* the longest national number with its trunk prefix */
    char cc[8];        /* the country code ("" when unknown) */
} Limit;               /* classify.length_limit of one region */

typedef struct {
    const Text *folded, *text;
    PyObject *folded_obj, *regions, *budget, *out;
    int include_possible;
    Py_ssize_t tries_left;  /* the budget's, written back at the end */
    int exhausted;
    Limit *limits;          /* of "US", then of each region */
} Scan;

static int is_dig(Py_UCS4 c) { return (c >= '0' && c <= '9') || c == 'O' || c == 'o' || c == 'I' || c == 'l' || c == '|'; }
static int is_sep(Py_UCS4 c) {
    return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '[' || c == ']';
}
static int is_ascii_alpha(Py_UCS4 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Py_UNICODE_ISSPACE (str.isspace, regex \s, str.split) as a table lookup: no whitespace lies above
 * U+3000, and a branch per character would cost more than the rest of the loop on mixed text */
#define LAST_SPACE 0x3000
static unsigned char space_bits[LAST_SPACE / 8 + 1];

static void init_space_bits(void)
{
    for (Py_UCS4 c = 0; c <= LAST_SPACE; c++)
        if (Py_UNICODE_ISSPACE(c))
            space_bits[c >> 3] |= 1 << (c & 7);
}

static inline int is_space(Py_UCS4 c)
{
    return c <= LAST_SPACE && (space_bits[c >> 3] >> (c & 7)) & 1;
}

static char digit_of(Py_UCS4 c)
{
    if (c == 'O' || c == 'o') return '0';
    if (c == 'I' || c == 'l' || c == '|') return '1';
    return (char)c;
}

/* ---- fold ------------------------------------------------------------------------------- */

static PyObject *fold(PyObject *self, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "fold() takes a str");
        return NULL;
    }
    if (fold_map == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_runscan.configure_fold() has not been called");
        return NULL;
    }
    if (PyUnicode_IS_ASCII(arg)) {
        PyObject *tab = PyUnicode_FromString("\t"), *space = PyUnicode_FromString(" ");
        PyObject *r = (tab && space) ? PyUnicode_Replace(arg, tab, space, -1) : NULL;
        Py_XDECREF(tab);
        Py_XDECREF(space);
        return r;
    }
    int kind = PyUnicode_KIND(arg);
    if (kind == PyUnicode_4BYTE_KIND)  /* astral characters (𝟒𝟎𝟎): rare, fold everything */
        return PyObject_CallOneArg(translate_all, arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const unsigned char *cls = (const unsigned char *)PyBytes_AS_STRING(zone_classes);
    int mkind = PyUnicode_KIND(fold_map);
    const void *mdata = PyUnicode_DATA(fold_map);
    Py_UCS4 *buf = NULL;
    Py_ssize_t pos = 0, i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (cls[c] != 1) {
            i++;
            continue;
        }
        /* a zone: digit-likes joined by at most six separators, two digit-likes or more */
        Py_ssize_t last = i, count = 1, j = i + 1;
        for (;;) {
            Py_ssize_t k = j, seps = 0;
            while (k < n && seps < 6 && cls[PyUnicode_READ(kind, data, k)] == 2) {
                k++;
                seps++;
            }
            if (k < n && cls[PyUnicode_READ(kind, data, k)] == 1) {
                last = k;
                count++;
                j = k + 1;
            }
            else
                break;
        }
        if (count < 2) {
            i++;
            continue;
        }
        Py_ssize_t zstart = i, zend = last + 1;
        i = zend;
        int ascii = 1;
        for (Py_ssize_t k = zstart; k < zend && ascii; k++) {
            Py_UCS4 z = PyUnicode_READ(kind, data, k);
            ascii = z < 128 && z != '\t';
        }
        if (ascii) {
            Py_UCS4 before = zstart ? PyUnicode_READ(kind, data, zstart - 1) : 0;
            if (before < 128 || cls[before] != 2)
                continue;  /* nothing to fold here, nor right before it */
        }
        Py_ssize_t start = zstart;
        while (start > pos && zstart - start < 3 && cls[PyUnicode_READ(kind, data, start - 1)] == 2)
            start--;
        if (buf == NULL) {
            buf = PyMem_New(Py_UCS4, n ? n : 1);
            if (buf == NULL)
                return PyErr_NoMemory();
            for (Py_ssize_t k = 0; k < n; k++)
                buf[k] = PyUnicode_READ(kind, data, k);
        }
        for (Py_ssize_t k = start; k < zend; k++)
            buf[k] = PyUnicode_READ(mkind, mdata, buf[k]);
        pos = zend;
    }
    if (buf == NULL)
        return Py_NewRef(arg);
    PyObject *r = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    PyMem_Free(buf);
    return r;
}

/* ---- small text tests (candidates.py / extract.py helpers) ------------------------------ */

/* candidates.opening_paren: the index of a "(" right before pos (zero-widths between), else -1 */
static Py_ssize_t opening_paren(const Text *f, Py_ssize_t pos)
{
    Py_ssize_t k = pos - 1;
    while (k >= 0 && AT(f, k) == ZW)
        k--;
    return (k >= 0 && AT(f, k) == '(') ? k : -1;
}

/* extract._prefix_start: where the run really starts, its "+" or "(" before the first group */
static Py_ssize_t prefix_start(const Text *f, Py_ssize_t run_start)
{
    Py_ssize_t s = run_start;
    while (s > 0 && run_start - s < 4) {
        Py_UCS4 c = AT(f, s - 1);
        if (c != '+' && c != '(' && c != ' ' && c != ZW)
            break;
        s--;
    }
    while (s < run_start && AT(f, s) != '+' && AT(f, s) != '(')
        s++;
    return s;
}

static int sep_has(const Text *f, const Group *g, Py_UCS4 c)
{
    for (Py_ssize_t k = g->end; k < g->sep_end; k++)
        if (AT(f, k) == c)
            return 1;
    return 0;
}

static Py_ssize_t sep_count(const Text *f, const Group *g, Py_UCS4 c)
{
    Py_ssize_t count = 0;
    for (Py_ssize_t k = g->end; k < g->sep_end; k++)
        count += AT(f, k) == c;
    return count;
}

/* ---- calls back into Python --------------------------------------------------------------- */

static int truth_of(PyObject *r)
{
    if (r == NULL)
        return -1;
    int t = PyObject_IsTrue(r);
    Py_DECREF(r);
    return t;
}

/* the truth of fn(folded, pos) */
static int test_at(Scan *sc, PyObject *fn, Py_ssize_t pos)
{
    PyObject *p = PyLong_FromSsize_t(pos);
    if (p == NULL)
        return -1;
    int t = truth_of(PyObject_CallFunctionObjArgs(fn, sc->folded_obj, p, NULL));
    Py_DECREF(p);
    return t;
}

static int service_before(Scan *sc, Py_ssize_t pos)
{
    return test_at(sc, service_before_fn, pos);
}

/* the first characters of extract._UNIT_AFTER's units, in every case it matches */
static int may_open_unit(Py_UCS4 c)
{
    switch (c) {
    case 0x5143: case 0x5757: case 0x5706: case 0x5186: case 0x4EF6: case 0x6B21: /* 元 块 圆 円 件 次 */
    case 0x4EBA: case 0x4E2A: case 0x842C: case 0x4E07: case 0x4EBF: case 0x5104: /* 人 个 萬 万 亿 億 */
    case 'r': case 'R': case 'c': case 'C': case 'k': case 'K': case 0x212A: case 'm': case 'M': case 'p': case 'P':
        return 1;
    default:
        return 0;
    }
}

static int unit_after(Scan *sc, Py_ssize_t pos)
{
    Py_ssize_t k = pos;
    while (k < sc->folded->len && is_space(AT(sc->folded, k)))
        k++;
    if (k >= sc->folded->len || !may_open_unit(AT(sc->folded, k)))
        return 0;  /* no unit can start here: the regex need not run */
    return test_at(sc, unit_after_fn, pos);
}

/* extract._excluded: the run is labelled as something else or glued to a code */
static int excluded(Scan *sc, Py_ssize_t run_start)
{
    Py_ssize_t before = prefix_start(sc->folded, run_start);
    PyObject *label = PyUnicode_Substring(sc->folded_obj, before > 20 ? before - 20 : 0, before);
    if (label == NULL)
        return -1;
    int t = truth_of(PyObject_CallOneArg(labelled_fn, label));
    Py_DECREF(label);
    return t;
}

/* extract.Budget.spend, on the budget's counters held here for the call */
static int spend(Scan *sc)
{
    sc->tries_left--;
    if (sc->tries_left < 0)
        sc->exhausted = 1;
    else if (sc->tries_left % 64 == 0) {
        PyObject *parses = PyObject_CallMethodNoArgs(sc->budget, str_parses);
        Py_ssize_t n = parses ? PyLong_AsSsize_t(parses) : -1;
        Py_XDECREF(parses);
        if (n == -1 && PyErr_Occurred())
            return -1;
        if (n >= max_parses)
            sc->exhausted = 1;
    }
    return !sc->exhausted;
}

/* classify.plausible_length: not longer than any number of the region can be written */
static int plausible_length(const Limit *lim, const char *digits, Py_ssize_t n)
{
    size_t cc = strlen(lim->cc);
    return n <= lim->limit || digits[0] == '0' || (strncmp(digits, lim->cc, cc) == 0 && n <= lim->limit + (Py_ssize_t)cc);
}

static int load_limit(PyObject *region, Limit *out)
{
    PyObject *r = PyObject_CallOneArg(length_limit_fn, region);
    if (r == NULL)
        return -1;
    Py_ssize_t limit;
    const char *cc;
    Py_ssize_t cc_len;
    int ok = PyArg_ParseTuple(r, "ns#", &limit, &cc, &cc_len);
    Py_DECREF(r);
    if (!ok)
        return -1;
    if (cc_len >= (Py_ssize_t)sizeof(out->cc)) {
        PyErr_SetString(PyExc_ValueError, "a country code of more than 7 digits");
        return -1;
    }
    out->limit = limit;
    memcpy(out->cc, cc, cc_len + 1);
    return 0;
}

/* 1 valid, 0 not, -1 error */
static int is_valid(PyObject *number)
{
    return truth_of(PyObject_GetAttr(number, str_valid));
}

static PyObject *call2(PyObject *fn, const char *digits, Py_ssize_t len, PyObject *region)
{
    PyObject *s = PyUnicode_FromStringAndSize(digits, len);
    if (s == NULL)
        return NULL;
    PyObject *r = PyObject_CallFunctionObjArgs(fn, s, region, NULL);
    Py_DECREF(s);
    return r;
}

/* ---- cutting a run into numbers (extract._numbers_in_run) --------------------------------- */

typedef struct {
    int j;             /* the number's last group, -1 for none */
    PyObject *number;  /* owned */
} Best;

static void best_clear(Best *b)
{
    Py_CLEAR(b->number);
    b->j = -1;
}

static Py_ssize_t digits_between(const Run *run, int i, int j)
{
    Py_ssize_t n = 0;
    for (int k = i; k <= j; k++)
        n += run->g[k].ndigits;
    return n;
}

static int balanced(Scan *sc, const Run *run, int i, int j)
{
    Py_ssize_t unmatched = 0;
    for (int k = i; k < j; k++)
        unmatched += sep_count(sc->folded, &run->g[k], ')') - sep_count(sc->folded, &run->g[k], '(');
    int leading = opening_paren(sc->folded, run->g[i].start) >= 0;
    return unmatched == 0 || (leading && unmatched == 1);
}

/* groups that count up ("1 2 3 4 5 6 7 8 9 10"): page numbers, not a phone number */
static int counting(const Run *run, int i, int j)
{
    for (int k = i; k <= j; k++)
        if (run->g[k].ndigits > 3)
            return 0;
    long prev = -1;
    for (int k = i; k <= j; k++) {
        long v = strtol(run->g[k].digits, NULL, 10);
        if (k > i && v != prev + 1)
            return 0;
        prev = v;
    }
    return 1;
}

static int toll_free_nanp(const char *d)
{
    static const char *codes[] = {"800", "833", "844", "855", "866", "877", "888"};
    for (int k = 0; k < 7; k++)
        if (strcmp(d, codes[k]) == 0)
            return 1;
    return 0;
}

/* extract._nanp_first: put US first for North American layouts */
static int nanp_first(Scan *sc, const Run *run, int i, int j)
{
    PyObject *first = PyTuple_GET_ITEM(sc->regions, 0);
    int groups = j - i + 1;
    if (PyUnicode_CompareWithASCIIString(first, "US") == 0 || (groups != 3 && groups != 4))
        return 0;
    const Group *g = &run->g[i];
    if (groups == 4)
        return g[0].ndigits == 1 && g[1].ndigits == 3 && g[2].ndigits == 3 && g[3].ndigits == 4 &&
               strcmp(g[0].digits, "1") == 0;
    return g[0].ndigits == 3 && g[1].ndigits == 3 && g[2].ndigits == 4 && toll_free_nanp(g[0].digits) &&
           opening_paren(sc->folded, g[0].start) >= 0;
}

/* extract._classify_national: the first valid reading among the regions, else the first possible */
static PyObject *classify_national(Scan *sc, const char *digits, Py_ssize_t len, int us_first)
{
    PyObject *possible = NULL;
    Py_ssize_t nregions = PyTuple_GET_SIZE(sc->regions);
    for (Py_ssize_t k = us_first ? -1 : 0; k < nregions; k++) {
        PyObject *region = k < 0 ? str_us : PyTuple_GET_ITEM(sc->regions, k);
        if (!plausible_length(&sc->limits[k + 1], digits, len))
            continue;
        PyObject *number = call2(classify_fn, digits, len, region);
        if (number == NULL)
            goto error;
        if (number != Py_None) {
            int valid = is_valid(number);
            if (valid < 0) {
                Py_DECREF(number);
                goto error;
            }
            if (valid) {
                Py_XDECREF(possible);
                return number;
            }
            if (possible == NULL) {
                possible = number;
                continue;
            }
        }
        Py_DECREF(number);
    }
    return possible ? possible : Py_NewRef(Py_None);
error:
    Py_XDECREF(possible);
    return NULL;
}

/* the longest valid number starting at group i (or the first possible one when asked): 0, or -1 on error */
static int longest(Scan *sc, const Run *run, int i, int parens, Best *out)
{
    out->j = -1;
    out->number = NULL;
    int last = run->n - 1 < i + MAX_NUMBER_GROUPS - 1 ? run->n - 1 : i + MAX_NUMBER_GROUPS - 1;
    while (last >= i && digits_between(run, i, last) > MAX_DIGITS)
        last--;
    char digits[MAX_DIGITS + 2];
    for (int j = last; j >= i; j--) {
        Py_ssize_t len = digits_between(run, i, j);
        if (len < MIN_DIGITS)
            break;
        int ok = spend(sc);
        if (ok < 0)
            goto error;
        if (!ok)
            break;
        if (parens && !balanced(sc, run, i, j))
            continue;
        if (j - i >= 3 && counting(run, i, j))
            continue;
        char *d = digits;
        if (run->g[i].plus)
            *d++ = '+';
        for (int k = i; k <= j; k++) {
            memcpy(d, run->g[k].digits, run->g[k].ndigits);
            d += run->g[k].ndigits;
        }
        PyObject *number;
        if (run->g[i].plus)
            number = call2(classify_fn, digits, d - digits, PyTuple_GET_ITEM(sc->regions, 0));
        else
            number = classify_national(sc, digits, d - digits, nanp_first(sc, run, i, j));
        if (number == NULL)
            goto error;
        if (number == Py_None) {
            Py_DECREF(number);
            continue;
        }
        int valid = is_valid(number);
        if (valid < 0) {
            Py_DECREF(number);
            goto error;
        }
        if (valid) {
            Py_XDECREF(out->number);
            out->j = j;
            out->number = number;
            return 0;
        }
        if (sc->include_possible && out->number == NULL) {
            out->j = j;
            out->number = number;
            continue;
        }
        Py_DECREF(number);
    }
    return 0;
error:
    best_clear(out);
    return -1;
}

/* candidates.is_enumeration: group i looks like a list marker, "1." "2)" "(3)" */
static int is_enumeration(Scan *sc, const Run *run, int i)
{
    const Group *g = &run->g[i];
    if (i + 1 >= run->n || g->ndigits > 2 || g->digits[0] == '0')
        return 0;
    if (sep_has(sc->folded, g, '.') || sep_has(sc->folded, g, ')'))
        return 1;
    return opening_paren(sc->folded, g->start) >= 0;
}

/* extract._short_code: a five- or six-digit service code after a service word */
static int short_code(Scan *sc, const Run *run, Best *out)
{
    Py_ssize_t len = digits_between(run, 0, run->n - 1);
    if (len < 5 || len > 6)
        return 0;
    int service = service_before(sc, run->start);
    if (service <= 0)
        return service;
    int any_digit = 0;
    for (Py_ssize_t k = run->start; k < run->g[run->n - 1].end && !any_digit; k++)
        any_digit = Py_UNICODE_ISDIGIT(AT(sc->text, k));
    if (!any_digit)
        return 0;  /* short codes spelled in Chinese numerals are too ambiguous */
    char digits[8], *d = digits;
    for (int k = 0; k < run->n; k++) {
        memcpy(d, run->g[k].digits, run->g[k].ndigits);
        d += run->g[k].ndigits;
    }
    PyObject *number = call2(classify_short_fn, digits, d - digits, PyTuple_GET_ITEM(sc->regions, 0));
    if (number == NULL)
        return -1;
    if (number == Py_None) {
        Py_DECREF(number);
        return 0;
    }
    out->j = run->n - 1;
    out->number = number;
    return 0;
}

/* extract._number_start: its "+", an opening parenthesis that it closes, or its first digit */
static Py_ssize_t number_start(Scan *sc, const Run *run, int i, int j)
{
    const Group *g = &run->g[i];
    if (g->plus)
        return prefix_start(sc->folded, run->start);
    int closes = 0;
    for (int k = i; k < j && !closes; k++)
        closes = sep_has(sc->folded, &run->g[k], ')');
    Py_ssize_t paren = opening_paren(sc->folded, g->start);
    return (closes && paren >= 0) ? paren : g->start;
}

static int same_e164(PyObject *a, PyObject *b)
{
    PyObject *x = PyObject_GetAttr(a, str_e164), *y = x ? PyObject_GetAttr(b, str_e164) : NULL;
    int same = y ? PyObject_RichCompareBool(x, y, Py_EQ) : -1;
    Py_XDECREF(x);
    Py_XDECREF(y);
    return same;
}

/* append (start, end, number) to sc->out unless a unit follows; steals `number` */
static int add_span(Scan *sc, Py_ssize_t start, Py_ssize_t end, PyObject *number)
{
    int unit = unit_after(sc, end);
    if (unit != 0) {
        Py_DECREF(number);
        return unit < 0 ? -1 : 0;
    }
    PyObject *span = Py_BuildValue("(nnN)", start, end, number);
    if (span == NULL)
        return -1;
    int r = PyList_Append(sc->out, span);
    Py_DECREF(span);
    return r;
}

/* extract._cut for one run, then the exclusion and unit checks of extract._number_spans */
static int cut_run(Scan *sc, const Run *run)
{
    if (run->n == 1 && run->g[0].ndigits < 5)
        return 0;
    int parens = opening_paren(sc->folded, run->start) >= 0;
    for (int k = 0; k < run->n && !parens; k++)
        parens = sep_has(sc->folded, &run->g[k], '(') || sep_has(sc->folded, &run->g[k], ')');
    Py_ssize_t starts[RUN_CAPACITY], ends[RUN_CAPACITY];
    PyObject *numbers[RUN_CAPACITY];
    int found = 0, i = 0;
    while (i < run->n) {
        Best best;
        if (longest(sc, run, i, parens, &best) < 0)
            goto error;
        if (run->g[i].ndigits <= 2) {
            int enumeration = is_enumeration(sc, run, i);
            if (enumeration) {
                Best skipped;
                if (longest(sc, run, i + 1, parens, &skipped) < 0) {
                    best_clear(&best);
                    goto error;
                }
                int take = 0;
                if (skipped.number != NULL) {
                    int valid = is_valid(skipped.number);
                    int same = (valid > 0 && best.number != NULL) ? same_e164(best.number, skipped.number) : 0;
                    if (valid < 0 || same < 0) {
                        best_clear(&best);
                        best_clear(&skipped);
                        goto error;
                    }
                    const Group *g = &run->g[i];
                    /* "1.800..." and "(1-844-...)" keep their "1" when it reads the same */
                    int joined = g->sep_end - g->end == 1 && (AT(sc->folded, g->end) == '.' || AT(sc->folded, g->end) == '-');
                    take = valid && !(same && joined);
                }
                if (take) {
                    best_clear(&best);
                    best = skipped;
                    i++;
                }
                else
                    best_clear(&skipped);
            }
        }
        if (best.number == NULL && i == 0 && run->n <= 2 && short_code(sc, run, &best) < 0)
            goto error;
        if (best.number == NULL) {
            i++;
            continue;
        }
        starts[found] = number_start(sc, run, i, best.j);
        ends[found] = run->g[best.j].end;
        numbers[found++] = best.number;
        i = best.j + 1;
    }
    if (found == 0)
        return 0;
    int excl = excluded(sc, run->start);
    if (excl < 0)
        goto error;
    for (int k = 0; k < found; k++) {
        if (excl) {
            Py_DECREF(numbers[k]);
            continue;
        }
        if (add_span(sc, starts[k], ends[k], numbers[k]) < 0) {
            for (int m = k + 1; m < found; m++)
                Py_DECREF(numbers[m]);
            return -1;
        }
    }
    return 0;
error:
    for (int k = 0; k < found; k++)
        Py_DECREF(numbers[k]);
    return -1;
}

/* ---- runs of digit groups (candidates.runs_in) -------------------------------------------- */

/* the end of the RUN match starting at p, or -1: a "+", "(" or digit, then three or more
 * (separators, digit-like) steps, separators being zero-widths and at most four of " -./()" */
static Py_ssize_t run_end(const Text *f, Py_ssize_t p)
{
    Py_ssize_t q = p + 1;
    int steps = 0;
    for (;;) {
        Py_ssize_t r = q;
        while (r < f->len && AT(f, r) == ZW)
            r++;
        for (int k = 0; k < 4 && r < f->len && is_sep(AT(f, r)); k++) {
            r++;
            while (r < f->len && AT(f, r) == ZW)
                r++;
        }
        if (r < f->len && is_dig(AT(f, r))) {
            q = r + 1;
            steps++;
        }
        else
            break;
    }
    return steps >= 3 ? q : -1;
}

/* candidates._real_group: at least one real digit, and not glued to a word */
static int real_group(const Text *f, Py_ssize_t s, Py_ssize_t e)
{
    int digits = 0, others = 0;
    for (Py_ssize_t k = s; k < e; k++) {
        Py_UCS4 c = AT(f, k);
        if (c == ZW)
            continue;
        if (c >= '0' && c <= '9')
            digits++;
        else
            others++;
    }
    if (!others)
        return 1;
    if (!digits)
        return 0;
    if (s && is_ascii_alpha(AT(f, s - 1)))
        return 0;
    return !(e < f->len && is_ascii_alpha(AT(f, e)));
}

static void set_group(const Text *f, Group *g, Py_ssize_t s, Py_ssize_t e, Py_ssize_t next, int plus)
{
    g->start = s;
    g->end = e;
    g->sep_end = next;
    g->plus = plus;
    if (e - s > LONG_GROUP) {
        g->ndigits = e - s;  /* never part of a number: its characters are not converted */
        g->digits[0] = 'x';
        g->digits[1] = 0;
        return;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t k = s; k < e; k++) {
        Py_UCS4 c = AT(f, k);
        if (c != ZW)
            g->digits[n++] = digit_of(c);
    }
    g->digits[n] = 0;
    g->ndigits = n;
}

static int emit(Scan *sc, Run *run)
{
    if (run->n == 0)
        return 0;
    run->start = run->g[0].start;
    int r = sc->exhausted ? 0 : cut_run(sc, run);  /* when the budget ran out, the run is not cut */
    run->n = 0;
    return r;
}

static int scan_match(Scan *sc, Py_ssize_t mstart, Py_ssize_t mend, Run *run)
{
    const Text *f = sc->folded;
    Py_ssize_t start = mstart;
    Py_UCS4 first = AT(f, mstart);
    if (start) {
        Py_UCS4 b = AT(f, start - 1);
        if ((b == 'O' || b == 'o' || b == 'I' || b == 'l' || b == '|') && first != '+' && first != '(')
            start--;  /* "l38l2345678": a look-alike letter may open a run (not "Call(888)...") */
    }
    if (mend - start < MIN_RUN_CHARS)
        return 0;
    if (start) {
        Py_UCS4 b = AT(f, start - 1);
        int word_paren = start >= 2 && AT(f, start) == '(' && b >= 'a' && b <= 'z' &&
                         AT(f, start - 2) >= 'a' && AT(f, start - 2) <= 'z';
        if ((b >= '0' && b <= '9') || (is_ascii_alpha(b) && !word_paren) || b == '+')
            return 0;  /* part of a code (a word may end right before "(": "products(1-800-...)") */
    }
    if (mend - start < SHORT_RUN_CHARS) {
        int keep = service_before(sc, start);
        if (keep <= 0)
            return keep;
    }
    int plus = first == '+';
    run->n = 0;
    Py_ssize_t prev_s = -1, prev_e = -1, k = start;
    while (k < mend) {
        if (!is_dig(AT(f, k))) {
            k++;
            continue;
        }
        Py_ssize_t s = k;
        for (;;) {
            while (k < mend && is_dig(AT(f, k)))
                k++;
            Py_ssize_t z = k;
            while (z < mend && AT(f, z) == ZW)
                z++;
            if (z > k && z < mend && is_dig(AT(f, z)))
                k = z;
            else
                break;
        }
        Py_ssize_t e = k;
        if (prev_s >= 0) {
            set_group(f, &run->g[run->n], prev_s, prev_e, s, plus && run->n == 0);
            run->n++;
            if (run->n >= MAX_GROUPS && (run->n >= 2 * MAX_GROUPS || sep_has(f, &run->g[run->n - 1], ' '))) {
                if (emit(sc, run) < 0)
                    return -1;
                plus = 0;
            }
        }
        if (!real_group(f, s, e)) {
            if (emit(sc, run) < 0)
                return -1;
            plus = 0;
            prev_s = -1;
            continue;
        }
        prev_s = s;
        prev_e = e;
    }
    if (prev_s >= 0) {
        set_group(f, &run->g[run->n], prev_s, prev_e, prev_e, plus && run->n == 0);
        run->n++;
    }
    return emit(sc, run);
}

static void text_of(PyObject *s, Text *t)
{
    t->data = PyUnicode_DATA(s);
    t->kind = PyUnicode_KIND(s);
    t->len = PyUnicode_GET_LENGTH(s);
}

static int save_budget(Scan *sc)
{
    PyObject *tries = PyLong_FromSsize_t(sc->tries_left);
    int r = tries ? PyObject_SetAttr(sc->budget, str_tries_left, tries) : -1;
    Py_XDECREF(tries);
    if (r == 0)
        r = PyObject_SetAttr(sc->budget, str_exhausted, sc->exhausted ? Py_True : Py_False);
    return r;
}

static PyObject *number_spans(PyObject *self, PyObject *args)
{
    PyObject *folded_obj, *text_obj, *regions, *budget;
    int include_possible;
    if (!PyArg_ParseTuple(args, "UUO!pO:number_spans", &folded_obj, &text_obj, &PyTuple_Type, &regions,
                          &include_possible, &budget))
        return NULL;
    if (classify_fn == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_runscan.configure() has not been called");
        return NULL;
    }
    if (PyTuple_GET_SIZE(regions) == 0) {
        PyErr_SetString(PyExc_ValueError, "number_spans() needs at least one region");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(folded_obj) != PyUnicode_GET_LENGTH(text_obj)) {
        PyErr_SetString(PyExc_ValueError, "the folded text and the text differ in length");
        return NULL;
    }
    Text folded, text;
    text_of(folded_obj, &folded);
    text_of(text_obj, &text);
    Py_ssize_t nregions = PyTuple_GET_SIZE(regions);
    Scan sc = {&folded, &text, folded_obj, regions, budget, NULL, include_possible, 0, 0, NULL};
    PyObject *tries = PyObject_GetAttr(budget, str_tries_left);
    sc.tries_left = tries ? PyLong_AsSsize_t(tries) : -1;
    Py_XDECREF(tries);
    if (sc.tries_left == -1 && PyErr_Occurred())
        return NULL;
    sc.exhausted = truth_of(PyObject_GetAttr(budget, str_exhausted));
    if (sc.exhausted < 0)
        return NULL;
    Run *run = PyMem_New(Run, 1);
    sc.limits = PyMem_New(Limit, nregions + 1);
    sc.out = PyList_New(0);
    if (run == NULL || sc.limits == NULL || sc.out == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t k = -1; k < nregions; k++)
        if (load_limit(k < 0 ? str_us : PyTuple_GET_ITEM(regions, k), &sc.limits[k + 1]) < 0)
            goto error;
    Py_ssize_t p = 0;
    while (p < folded.len) {
        Py_UCS4 c = AT(&folded, p);
        if (!((c >= '0' && c <= '9') || c == '+' || c == '(')) {
            p++;
            continue;
        }
        Py_ssize_t e = run_end(&folded, p);
        if (e < 0) {
            p++;
            continue;
        }
        if (sc.exhausted)
            break;
        if (scan_match(&sc, p, e, run) < 0)
            goto error;
        p = e;
    }
    if (save_budget(&sc) < 0)
        goto error;
    PyMem_Free(run);
    PyMem_Free(sc.limits);
    return sc.out;
error:
    PyMem_Free(run);
    PyMem_Free(sc.limits);
    Py_XDECREF(sc.out);
    return NULL;
}

/* ---- hits' context --------------------------------------------------------------------------- */

/* text[start - chars:end + chars] with whitespace collapsed and trimmed (extract.python_context) */
static PyObject *collapse(PyObject *text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t chars)
{
    Text t;
    text_of(text, &t);
    Py_ssize_t lo = start - chars > 0 ? start - chars : 0, hi = end + chars < t.len ? end + chars : t.len;
    /* first pass: the collapsed length and widest character; often nothing changes */
    Py_ssize_t n = 0;
    Py_UCS4 widest = 0;
    int space = 0, changed = 0;
    for (Py_ssize_t k = lo; k < hi; k++) {
        Py_UCS4 c = AT(&t, k);
        if (is_space(c)) {
            changed |= c != ' ' || space || n == 0;  /* not one plain space between words */
            space = n > 0;
            continue;
        }
        n += space + 1;
        space = 0;
        widest = c > widest ? c : widest;
    }
    changed |= space;  /* trailing whitespace */
    if (!changed)
        return PyUnicode_Substring(text, lo, hi);
    PyObject *out = PyUnicode_New(n, widest < ' ' && n > 0 ? ' ' : widest);
    if (out == NULL)
        return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    Py_ssize_t w = 0;
    space = 0;
    for (Py_ssize_t k = lo; k < hi; k++) {
        Py_UCS4 c = AT(&t, k);
        if (is_space(c)) {
            space = w > 0;
            continue;
        }
        if (space)
            PyUnicode_WRITE(okind, odata, w++, ' ');
        space = 0;
        PyUnicode_WRITE(okind, odata, w++, c);
    }
    return out;
}

/* ---- hits ---------------------------------------------------------------------------------- */

typedef struct {
    int64_t tstart, sstart, send, flags;
} Piece;  /* as _htmlscan packs them (textmap.TextMap.from_pieces) */

/* the piece holding text offset pos: the last one starting at or before it */
static Py_ssize_t piece_at(const Piece *p, Py_ssize_t n, Py_ssize_t pos)
{
    Py_ssize_t lo = 0, hi = n;  /* bisect_right over the text starts, minus one */
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (pos < p[mid].tstart)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo - 1;
}

/* a piece whose kind is one of nkinds and whose source span lies inside a source of slen characters */
static int piece_ok(const Piece *q, Py_ssize_t nkinds, Py_ssize_t slen)
{
    return q->flags >= 0 && (q->flags >> 1) < nkinds && q->sstart >= 0 && q->sstart <= q->send
           && q->send <= slen;
}

/* extract.python_hits on a map made of pieces: a hit for each (start, end, Number) span */
static PyObject *hits(PyObject *self, PyObject *args)
{
    PyObject *spans, *text, *source, *pieces, *kinds, *hit_type;
    Py_ssize_t chars;
    if (!PyArg_ParseTuple(args, "O!UUSO!On:hits", &PyList_Type, &spans, &text, &source, &pieces, &PyTuple_Type,
                          &kinds, &hit_type, &chars))
        return NULL;
    if (PyBytes_GET_SIZE(pieces) % (Py_ssize_t)sizeof(Piece) != 0 || chars < 0) {
        PyErr_SetString(PyExc_ValueError, "pieces must be whole packed pieces, chars not negative");
        return NULL;
    }
    Py_ssize_t npieces = PyBytes_GET_SIZE(pieces) / (Py_ssize_t)sizeof(Piece);
    Py_ssize_t nkinds = PyTuple_GET_SIZE(kinds), tlen = PyUnicode_GET_LENGTH(text);
    Py_ssize_t slen = PyUnicode_GET_LENGTH(source);
    const Piece *p = (const Piece *)PyBytes_AS_STRING(pieces);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(spans); k++) {
        Py_ssize_t s, e;
        PyObject *number;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(spans, k), "nnO:hits", &s, &e, &number))
            goto error;
        Py_ssize_t i = piece_at(p, npieces, s), j = piece_at(p, npieces, e - 1);
        if (s < 0 || e <= s || e > tlen || i < 0 || j < i || !piece_ok(&p[i], nkinds, slen)
            || !piece_ok(&p[j], nkinds, slen)) {
            PyErr_SetString(PyExc_ValueError, "a span outside the map's text, or a piece of an unknown kind");
            goto error;
        }
        Py_ssize_t ss = (p[i].flags & 1) ? p[i].sstart + (s - p[i].tstart) : p[i].sstart;
        Py_ssize_t se = (p[j].flags & 1) ? p[j].sstart + (e - p[j].tstart) : p[j].send;
        if (ss < 0 || se < ss || se > slen) {
            PyErr_SetString(PyExc_ValueError, "a piece maps the span outside the source");
            goto error;
        }
        PyObject *raw = PyUnicode_Substring(source, ss, se);
        PyObject *start = PyLong_FromSsize_t(ss), *end = PyLong_FromSsize_t(se);
        PyObject *ctx = collapse(text, s, e, chars);
        PyObject *e164 = PyObject_GetAttr(number, str_e164), *type = PyObject_GetAttr(number, str_type);
        PyObject *region = PyObject_GetAttr(number, str_region);
        PyObject *hit = NULL;
        if (raw && start && end && ctx && e164 && type && region) {
            PyObject *fields[] = {e164, raw, start, end, type, ctx, PyTuple_GET_ITEM(kinds, p[i].flags >> 1), region};
            hit = PyObject_Vectorcall(hit_type, fields, 8, NULL);
        }
        Py_XDECREF(raw);
        Py_XDECREF(start);
        Py_XDECREF(end);
        Py_XDECREF(ctx);
        Py_XDECREF(e164);
        Py_XDECREF(type);
        Py_XDECREF(region);
        if (hit == NULL || PyList_Append(out, hit) < 0) {
            Py_XDECREF(hit);
            goto error;
        }
        Py_DECREF(hit);
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
}

/* ---- counting characters ------------------------------------------------------------------ */

static PyObject *count_chars(PyObject *self, PyObject *args)
{
    PyObject *text, *chars;
    if (!PyArg_ParseTuple(args, "UU:count_chars", &text, &chars))
        return NULL;
    if (PyUnicode_KIND(chars) == PyUnicode_4BYTE_KIND) {
        PyErr_SetString(PyExc_ValueError, "count_chars() counts basic-plane characters only");
        return NULL;
    }
    unsigned char bits[0x10000 / 8] = {0};
    Text c, t;
    text_of(chars, &c);
    text_of(text, &t);
    for (Py_ssize_t k = 0; k < c.len; k++) {
        Py_UCS4 ch = AT(&c, k);
        bits[ch >> 3] |= 1 << (ch & 7);
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t k = 0; k < t.len; k++) {
        Py_UCS4 ch = AT(&t, k);
        n += ch < 0x10000 && (bits[ch >> 3] >> (ch & 7)) & 1;
    }
    return PyLong_FromSsize_t(n);
}

/* counts[k]: how many of the first `limit` characters of text the table `classes` (bytes of
 * 65536: a class per basic-plane character, 0 for none) puts in class k, for k < n; one pass */
static PyObject *count_classes(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_buffer classes;
    Py_ssize_t n, limit;
    if (!PyArg_ParseTuple(args, "Uy*nn:count_classes", &text, &classes, &n, &limit))
        return NULL;
    PyObject *result = NULL;
    if (classes.len != 0x10000 || n < 1 || n > 256 || limit < 0) {
        PyErr_SetString(PyExc_ValueError, "count_classes() takes a table of 65536 classes, 1 <= n <= 256, limit >= 0");
        goto done;
    }
    Py_ssize_t counts[256] = {0};
    const unsigned char *table = classes.buf;
    Text t;
    text_of(text, &t);
    Py_ssize_t end = t.len < limit ? t.len : limit;
    for (Py_ssize_t k = 0; k < end; k++) {
        Py_UCS4 ch = AT(&t, k);
        if (ch < 0x10000)
            counts[table[ch]]++;
    }
    result = PyTuple_New(n);
    if (result == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v = PyLong_FromSsize_t(k ? counts[k] : 0);
        if (v == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, k, v);
    }
done:
    PyBuffer_Release(&classes);
    return result;
}

/* ---- configuration ------------------------------------------------------------------------ */

static PyObject *configure_fold(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"fold_map", "zone_classes", "translate_all", NULL};
    PyObject *map, *classes, *translate;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "USO:configure_fold", names, &map, &classes, &translate))
        return NULL;
    if (PyUnicode_GET_LENGTH(map) != 0x10000 || PyBytes_GET_SIZE(classes) != 0x10000) {
        PyErr_SetString(PyExc_ValueError, "fold_map and zone_classes cover the 65536 basic-plane characters");
        return NULL;
    }
    Py_XSETREF(fold_map, Py_NewRef(map));
    Py_XSETREF(zone_classes, Py_NewRef(classes));
    Py_XSETREF(translate_all, Py_NewRef(translate));
    Py_RETURN_NONE;
}

static PyObject *configure(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"classify", "classify_short", "length_limit", "service_before", "labelled",
                            "unit_after", "max_parses", NULL};
    PyObject **slots[] = {&classify_fn, &classify_short_fn, &length_limit_fn, &service_before_fn, &labelled_fn,
                          &unit_after_fn};
    PyObject *v[6];
    Py_ssize_t parses;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOn:configure", names, &v[0], &v[1], &v[2], &v[3], &v[4],
                                     &v[5], &parses))
        return NULL;
    for (int k = 0; k < 6; k++)
        Py_XSETREF(*slots[k], Py_NewRef(v[k]));
    max_parses = parses;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure_fold", (PyCFunction)(void (*)(void))configure_fold, METH_VARARGS | METH_KEYWORDS,
     "configure_fold(fold_map, zone_classes, translate_all): fold.py's tables (once, at import)."},
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "configure(classify, classify_short, length_limit, service_before, labelled, unit_after, max_parses): "
     "the Python functions number_spans calls back, and the parse cap (once, at import)."},
    {"fold", fold, METH_O, "fold.fold: digits, numerals, separators and look-alikes folded; same length."},
    {"number_spans", number_spans, METH_VARARGS,
     "number_spans(folded, text, regions, include_possible, budget) -> [(start, end, Number)]"},
    {"hits", hits, METH_VARARGS,
     "hits(spans, text, source, pieces, kinds, hit_type, context_chars) -> [hit_type(e164, raw, start, end, "
     "type, context, kind, region)]: extract.python_hits on a map made of pieces"},
    {"count_chars", count_chars, METH_VARARGS,
     "count_chars(text, chars) -> how many characters of text are among chars (basic-plane ones)"},
    {"count_classes", count_classes, METH_VARARGS,
     "count_classes(text, classes, n, limit) -> (0, count of class 1, ..., count of class n-1) over text[:limit], "
     "classes a bytes table of 65536"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_runscan", "Compiled twin of the number finding.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__runscan(void)
{
    init_space_bits();
    str_valid = PyUnicode_InternFromString("valid");
    str_e164 = PyUnicode_InternFromString("e164");
    str_type = PyUnicode_InternFromString("type");
    str_region = PyUnicode_InternFromString("region");
    str_parses = PyUnicode_InternFromString("_parses");
    str_tries_left = PyUnicode_InternFromString("tries_left");
    str_exhausted = PyUnicode_InternFromString("exhausted");
    str_us = PyUnicode_InternFromString("US");
    if (!str_valid || !str_e164 || !str_type || !str_region || !str_parses || !str_tries_left || !str_exhausted || !str_us)
        return NULL;
    return PyModule_Create(&module);
}
