/* Compiled twin of the shingle hashing in spamline/brands/fingerprint.py (_window_crcs): the
 * CRC-32 (zlib's) of every run of `size` tokens in a buffer where tokens are joined by 0x1F.
 * The Python code is the reference (tests/brands/test_fingerprint.py holds this to it).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static uint32_t table[256];

static void make_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32_of(const unsigned char *p, Py_ssize_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (Py_ssize_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* window_crcs(data: bytes, count: int, size: int) -> bytes | None
 * The native-endian uint32 CRC-32 of each window of `size` of the `count` tokens (one CRC of all
 * of `data` when there are no more than `size` tokens); None when `data` does not hold exactly
 * count - 1 separators. */
static PyObject *window_crcs(PyObject *self, PyObject *args) {
    Py_buffer buf;
    Py_ssize_t count, size;
    if (!PyArg_ParseTuple(args, "y*nn", &buf, &count, &size))
        return NULL;
    const unsigned char *data = buf.buf;
    Py_ssize_t len = buf.len;
    PyObject *result = NULL;
    Py_ssize_t *cuts = NULL;
    if (size < 1 || count < 0) {
        PyErr_SetString(PyExc_ValueError, "size must be at least 1 and count not negative");
        goto done;
    }
    Py_ssize_t seps = 0;
    for (Py_ssize_t i = 0; i < len; i++)
        seps += data[i] == 0x1F;
    Py_ssize_t n = count - size + 1;
    if (n <= 1) {
        uint32_t c = crc32_of(data, len);
        result = PyBytes_FromStringAndSize((const char *)&c, sizeof c);
        goto done;
    }
    if (seps != count - 1) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    cuts = PyMem_Malloc((size_t)(seps > 0 ? seps : 1) * sizeof *cuts);
    if (!cuts) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0, k = 0; i < len; i++)
        if (data[i] == 0x1F)
            cuts[k++] = i;
    result = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(uint32_t));
    if (!result)
        goto done;
    uint32_t *out = (uint32_t *)PyBytes_AS_STRING(result);
    for (Py_ssize_t i = 0; i < n; i++) {
        /* n > 1 means seps = count - 1 >= size, so cuts[i - 1] and cuts[i + size - 1] (for
         * i + size - 1 < seps) are in range */
        Py_ssize_t start = i == 0 ? 0 : cuts[i - 1] + 1;
        Py_ssize_t end = i + size - 1 < seps ? cuts[i + size - 1] : len;
        out[i] = crc32_of(data + start, end - start);
    }
done:
    PyMem_Free(cuts);
    PyBuffer_Release(&buf);
    return result;
}

static PyMethodDef methods[] = {
    {"window_crcs", window_crcs, METH_VARARGS,
     "CRC-32 of each window of `size` tokens joined by 0x1F (native uint32 bytes), or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_shingles", NULL, -1, methods};

PyMODINIT_FUNC PyInit__shingles(void) {
    make_table();
    return PyModule_Create(&module);
}
