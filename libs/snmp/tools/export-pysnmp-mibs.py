#!/usr/bin/python3
"""Exports IETF MIB modules that no registry we may use ships as MIB text, from Debian's
precompiled pysnmp modules (Debian main: python3-pysnmp4-mibs 0.1.3-4, python3-pysnmp4 4.4.12),
into libs/snmp/mibs/compiled/<MODULE>.json in the dictionary's node format (mib-compiler.ts).

    apt-get install python3-pysnmp4 python3-pysnmp4-mibs
    /usr/bin/python3 libs/snmp/tools/export-pysnmp-mibs.py

The output is committed; the dictionary spec only reads it. Text MIBs in libs/snmp/mibs win over
these nodes when both define an OID.
"""
import json, os, sys
from pysnmp.smi import builder
import pysnmp_mibs

MODULES = [
    'SNMP-FRAMEWORK-MIB', 'SNMP-COMMUNITY-MIB', 'SNMP-TARGET-MIB', 'SNMP-NOTIFICATION-MIB',
    'SNMP-USER-BASED-SM-MIB', 'SNMP-VIEW-BASED-ACM-MIB', 'SNMP-MPD-MIB', 'INET-ADDRESS-MIB',
    'HCNUM-TC', 'HOST-RESOURCES-MIB', 'HOST-RESOURCES-TYPES', 'ENTITY-MIB', 'ENTITY-SENSOR-MIB',
    'ENTITY-STATE-TC-MIB', 'ENTITY-STATE-MIB', 'IP-MIB', 'TCP-MIB', 'UDP-MIB', 'RMON-MIB', 'RMON2-MIB', 'HC-RMON-MIB',
    'TOKEN-RING-RMON-MIB', 'BRIDGE-MIB', 'P-BRIDGE-MIB', 'Q-BRIDGE-MIB', 'EtherLike-MIB',
    'NOTIFICATION-LOG-MIB', 'DISMAN-EVENT-MIB', 'IANA-ADDRESS-FAMILY-NUMBERS-MIB', 'IANA-RTPROTO-MIB',
]
BASES = [
    ('Counter64', 'Counter64'), ('Counter32', 'Counter32'), ('Gauge32', 'Gauge32'), ('TimeTicks', 'TimeTicks'),
    ('Unsigned32', 'Unsigned32'), ('IpAddress', 'IpAddress'), ('Opaque', 'Opaque'), ('Bits', 'BITS'),
    ('Integer32', 'INTEGER'), ('Integer', 'INTEGER'), ('OctetString', 'OCTET STRING'),
    ('ObjectIdentifier', 'OBJECT IDENTIFIER'), ('ObjectName', 'OBJECT IDENTIFIER'),
]

# pyasn1 0.4.8 cannot `Bits().subtype(namedValues=…)` (KeyError), which RMON2-MIB's compiled
# module does: apply the named values after subtyping instead.
from pysnmp.proto import rfc1902
_bits_subtype = rfc1902.Bits.subtype
def _subtype(self, *args, **kwargs):
    named = kwargs.pop('namedValues', None)
    result = _bits_subtype(self, *args, **kwargs)
    if named is not None:
        result.namedValues = named
    return result
rfc1902.Bits.subtype = _subtype

# pysnmp spells MAX-ACCESS without hyphens
ACCESS = {'readonly': 'read-only', 'readwrite': 'read-write', 'readcreate': 'read-create', 'writeonly': 'write-only',
          'notaccessible': 'not-accessible', 'accessiblefornotify': 'accessible-for-notify', 'noaccess': 'not-accessible'}
KINDS = ('MibTableRow', 'MibTable', 'MibScalar', 'MibTableColumn', 'NotificationType', 'ObjectIdentity',
         'ModuleIdentity', 'MibIdentifier', 'ObjectGroup', 'NotificationGroup', 'ModuleCompliance', 'AgentCapabilities')

out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'mibs', 'compiled')
os.makedirs(out_dir, exist_ok=True)
mb = builder.MibBuilder()
mb.addMibSources(builder.DirMibSource(os.path.dirname(pysnmp_mibs.__file__)))
mb.loadTexts = True
loaded = []
for mod in MODULES:
    try:
        mb.loadModules(mod)
        loaded.append(mod)
    except Exception as err:  # a precompiled module this pysnmp/pyasn1 cannot load: reported, skipped
        print(f'skipped {mod}: {str(err).splitlines()[-1][-160:]}', file=sys.stderr)

def oid_of(mod, sym):
    try:
        (obj,) = mb.importSymbols(mod, sym)
        return '.'.join(str(x) for x in obj.getName())
    except Exception:
        return None

def syntax_info(syntax, node):
    names = [c.__name__ for c in type(syntax).__mro__]
    for cls, base in BASES:
        if cls in names:
            node['t'] = base
            break
    for c in type(syntax).__mro__:
        if any(b.__name__ == 'TextualConvention' for b in c.__mro__[1:]) and c.__name__ != 'TextualConvention':
            node['tc'] = c.__name__
            break
    hint = getattr(syntax, 'displayHint', '')
    if hint:
        node['h'] = hint
    nv = getattr(syntax, 'namedValues', None)
    if nv is not None and len(nv):
        node['e'] = sorted([[int(v), str(k)] for k, v in nv.items()])
    fixed = getattr(syntax, 'fixedLength', None)
    if fixed and node.get('t') == 'OCTET STRING':
        node['s'] = int(fixed)

for mod in loaded:
    nodes = []
    for sym, obj in mb.mibSymbols[mod].items():
        kind = type(obj).__name__
        if not hasattr(obj, 'getName') or kind not in KINDS:
            continue
        name = obj.getName()
        if not isinstance(name, tuple) or not name:
            continue
        node = {'o': '.'.join(str(x) for x in name), 'm': mod, 'n': obj.getLabel() or sym, 'k': 'node'}
        if kind == 'MibTable':
            node['k'] = 'table'
        elif kind == 'MibTableRow':
            node['k'] = 'row'
            x = []
            for implied, imod, isym in obj.getIndexNames():
                o = oid_of(imod, isym)
                if o:
                    x.append([o, bool(implied)])
            node['x'] = x
        elif kind in ('MibTableColumn', 'MibScalar'):
            node['k'] = 'column' if kind == 'MibTableColumn' else 'scalar'
            syntax_info(obj.getSyntax(), node)
            units = getattr(obj, 'getUnits', lambda: '')()
            if units:
                node['u'] = units
        elif kind == 'NotificationType':
            node['k'] = 'notification'
            objs = [oid_of(m, s) for m, s in obj.getObjects()]
            if objs:
                node['v'] = [o for o in objs if o]
        if kind in ('MibTableRow', 'MibTable', 'MibScalar', 'MibTableColumn'):
            access = getattr(obj, 'getMaxAccess', lambda: '')()
            if access:
                node['a'] = ACCESS.get(access, access)
        nodes.append(node)
    nodes.sort(key=lambda n: [int(a) for a in n['o'].split('.')])
    with open(os.path.join(out_dir, f'{mod}.json'), 'w') as f:
        f.write('{"module":%s,\n"source":%s,\n"nodes":[\n%s\n]}\n' % (
            json.dumps(mod),
            json.dumps('Debian bookworm python3-pysnmp4-mibs 0.1.3-4 / python3-pysnmp4 4.4.12 (precompiled IETF modules)'),
            ',\n'.join(json.dumps(n, separators=(',', ':')) for n in nodes)))
    print(mod, len(nodes), file=sys.stderr)
