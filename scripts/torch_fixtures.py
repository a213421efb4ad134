"""PyTorch fixtures, written by torch.save (Debian's python3-torch), called by make_fixtures.py
when torch imports, or on its own: `/usr/bin/python3 scripts/torch_fixtures.py`.

Each file gets a sidecar in the shape of `statekit ls --json --sha256`: entries in statekit's tree
order, tensors with a sha256 of their little-endian C-order bytes (bfloat16 as its raw 16 bits),
Python scalars with their `value` (pickle_fixtures.leaf). Files under `bad/` name the error tag.
"""
import hashlib
import io
import json
import os
import pickle
import zipfile

import torch

import pickle_fixtures

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test-fixtures')

DTYPE_NAMES = {
    torch.float16: 'float16', torch.bfloat16: 'bfloat16', torch.float32: 'float32', torch.float64: 'float64',
    torch.int8: 'int8', torch.uint8: 'uint8', torch.int16: 'int16', torch.int32: 'int32', torch.int64: 'int64',
    torch.bool: 'bool', torch.complex64: 'complex64', torch.complex128: 'complex128',
}


def tensor_leaf(key, path, t):
    c = t.detach().contiguous()
    raw = c.view(torch.int16) if c.dtype == torch.bfloat16 else c
    digest = hashlib.sha256(raw.numpy().tobytes()).hexdigest()
    return {'key': key, 'path': path, 'dtype': DTYPE_NAMES[t.dtype], 'shape': list(t.shape), 'sha256': digest}


def walk(obj, path, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            walk(v, path + [k], out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            walk(v, path + [i], out)
    elif isinstance(obj, torch.Tensor):
        out.append(tensor_leaf('.'.join(str(p) for p in path), path, obj))
    else:
        out.append(pickle_fixtures.leaf('.'.join(str(p) for p in path), path, obj, None, None))
    return out


def write_all(root=ROOT):
    folder = os.path.join(root, 'torch')
    os.makedirs(os.path.join(folder, 'bad'), exist_ok=True)
    torch.manual_seed(20261208)

    def save(name, obj, data=None):
        path = os.path.join(folder, name)
        if data is None:
            buf = io.BytesIO()
            torch.save(obj, buf)
            data = buf.getvalue()
        with open(path, 'wb') as f:
            f.write(data)
        with open(path + '.expected.json', 'w') as f:
            # A lone top value is listed under the file's name, as statekit lists a .npy.
            top = [] if isinstance(obj, (dict, list, tuple)) else [name.rsplit('.', 1)[0]]
            json.dump({'format': 'torch', 'entries': walk(obj, top, [])}, f, indent=1)
            f.write('\n')

    def bad(name, data, tag, why):
        with open(os.path.join(folder, 'bad', name), 'wb') as f:
            f.write(data)
        with open(os.path.join(folder, 'bad', name + '.expected.json'), 'w') as f:
            json.dump({'error': tag, 'why': why}, f, indent=1)
            f.write('\n')

    # A model's state_dict (an OrderedDict with _metadata): conv, batch norm (int64 counter), linear.
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    save('state-dict.pt', model.state_dict())

    # Every dtype torch and statekit share.
    base = torch.linspace(-3, 3, 12).reshape(3, 4)
    dtypes = {name: base.to(dt) for dt, name in DTYPE_NAMES.items() if not dt.is_complex and dt != torch.bool}
    dtypes['bool'] = base > 0
    dtypes['complex64'] = torch.complex(base, -base).to(torch.complex64)
    dtypes['complex128'] = torch.complex(base.double(), base.double() * 2)
    save('dtypes.pt', dtypes)

    # Views: transposed, stepped, offset, expanded (stride 0), sharing one storage, 0-d, empty.
    a = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    views = {
        'whole': a, 'transposed': a.t(), 'stepped': a[:, ::2], 'offset': a[1:3, 2:5],
        'expanded': torch.arange(3, dtype=torch.int64).reshape(3, 1).expand(3, 4),
        'column': a[:, 1], 'scalar': torch.tensor(2.5), 'empty': torch.zeros(0, 3),
    }
    save('views.pt', views)

    # A training checkpoint: model, Adam state after a step (int keys, tuples, None), scalars.
    lin = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(lin.parameters(), lr=1e-3)
    lin(torch.ones(1, 3)).sum().backward()
    opt.step()
    save('checkpoint.pt', {'model': lin.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3, 'loss': 0.25})

    # A bare tensor (listed under the file's name) and a parameter.
    save('tensor.pt', torch.arange(5, dtype=torch.int32))

    # Hostile and malformed archives.
    good = zip_members(os.path.join(folder, 'views.pt'))
    evil = dict(good)
    evil['archive/data.pkl'] = pickle.dumps(pickle_fixtures.Evil(os.system, (f'touch {pickle_fixtures.MARKER}',)), protocol=2)
    bad('hostile.pt', zip_bytes(evil), 'unsafe', 'data.pkl calls os.system')
    missing = {k: v for k, v in good.items() if k != 'archive/data/0'}
    bad('missing-storage.pt', zip_bytes(missing), 'corrupt', 'storage member archive/data/0 deleted')
    short = dict(good)
    short['archive/data/0'] = good['archive/data/0'][:40]
    bad('short-storage.pt', zip_bytes(short), 'corrupt', 'storage member cut to 40 bytes')
    buf = io.BytesIO()
    torch.save({'t': torch.ones(3)}, buf, _use_new_zipfile_serialization=False)
    bad('legacy.pt', buf.getvalue(), 'unsupported', 'pre-1.6 torch.save format')


def zip_members(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)  # reproducible
    return buf.getvalue()


if __name__ == '__main__':
    write_all()
    print('torch fixtures written to', os.path.join(ROOT, 'torch'))
