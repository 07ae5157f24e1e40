import { SondeError } from '@sonde/events/sonde-error';
import { BUILTIN_GROUPS } from '@sonde/snmp/poll/builtin-groups';
import type { GroupSelector, ResolvedProfile } from '@sonde/snmp/poll/device-poller';
import type { MetricGroup, Profile } from '@sonde/snmp/poll/metric-group';
import type { SnmpPollerConfig } from './snmp-poller.config';

/**
 * Profiles by sysObjectID prefix (longest match wins), resolved once at boot: group names are
 * checked here so a typo is a config error naming the profile, not a silent empty poll.
 */
export class ProfileSelector implements GroupSelector {
  private readonly groups = new Map<string, MetricGroup>();
  private readonly profiles: Array<{ prefix: string; profile: ResolvedProfile }> = [];
  private readonly byName = new Map<string, ResolvedProfile>();
  readonly defaultProfile: ResolvedProfile;

  constructor(config: Pick<SnmpPollerConfig, 'groups' | 'profiles' | 'defaultGroups'>) {
    for (const g of BUILTIN_GROUPS) this.groups.set(g.name, g);
    for (const g of config.groups) this.groups.set(g.name, g);
    this.defaultProfile = this.resolve({ name: 'default', sysObjectIdPrefixes: [], groups: config.defaultGroups }, 'snmpPoller.defaultGroups');
    this.byName.set('default', this.defaultProfile);
    config.profiles.forEach((p, i) => {
      const resolved = this.resolve(p, `snmpPoller.profiles[${i}].groups`);
      this.byName.set(p.name, resolved);
      for (const prefix of p.sysObjectIdPrefixes) this.profiles.push({ prefix, profile: resolved });
    });
    this.profiles.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  select(sysObjectId: string | undefined): ResolvedProfile {
    if (sysObjectId) {
      for (const { prefix, profile } of this.profiles) {
        if (sysObjectId === prefix || sysObjectId.startsWith(prefix + '.')) return profile;
      }
    }
    return this.defaultProfile;
  }

  named(name: string): ResolvedProfile | undefined {
    return this.byName.get(name);
  }

  private resolve(p: Profile, path: string): ResolvedProfile {
    const groups = p.groups.map((name) => {
      const g = this.groups.get(name);
      if (!g) throw new SondeError('config', `${path}: unknown metric group "${name}" (known: ${[...this.groups.keys()].join(', ')})`, { path });
      return g;
    });
    return { name: p.name, groups };
  }
}
