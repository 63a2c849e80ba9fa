#!/usr/bin/env python3
"""Turn a converted domain XML into the one `make check-boot' boots.

    boot-xml.py IN.xml OUT.xml --serial-log FILE [--type qemu|kvm]
                [--name NAME] [--pool NAME=DIR]...

The guest keeps every device of the converted XML (disks with their
bus, target, format and source; NICs with their model and MAC; machine,
memory, vCPUs, boot order, input, video, memballoon).  Only what cannot
exist on a test machine changes, each on purpose:

  - <domain type>: 'qemu' (TCG) unless --type kvm (KVM probed usable);
    under TCG a <cpu> asking for the host CPU is dropped (TCG has none);
  - every <serial> becomes type='file' writing FILE, and the <console>
    that aliases serial 0 goes (libvirt recreates it from the serial);
  - every <interface> becomes type='user' (QEMU's user-mode network: no
    host bridge, no forwarding) with its model and MAC kept;
  - <graphics> goes (no display: QEMU runs with -display none);
  - an <emulator> that does not exist here goes (libvirt picks its own);
  - a <vsock> goes when this machine has no /dev/vhost-vsock (virt-v2v's
    output has one; ours does not);
  - --name renames the domain (unique per boot);
  - a <disk type='volume'> of a pool given with --pool NAME=DIR (a dir
    pool: its volumes are the files in DIR) becomes the <disk
    type='file'> it stands for, as libvirt resolves it at start.
"""
import os
import sys
import xml.etree.ElementTree as ET


def main(argv):
    args = argv[1:]
    opts = {"--type": "qemu", "--name": None, "--serial-log": None}
    pools = {}
    pos = []
    while args:
        a = args.pop(0)
        if a == "--pool" and args and "=" in args[0]:
            name, path = args.pop(0).split("=", 1)
            pools[name] = path
        elif a in opts:
            if not args:
                sys.exit("boot-xml.py: %s needs a value" % a)
            opts[a] = args.pop(0)
        else:
            pos.append(a)
    if len(pos) != 2 or not opts["--serial-log"]:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    if opts["--type"] not in ("qemu", "kvm"):
        sys.exit("boot-xml.py: --type must be qemu or kvm")
    tree = ET.parse(pos[0])
    dom = tree.getroot()
    if dom.tag != "domain":
        sys.exit("boot-xml.py: %s is not a domain XML" % pos[0])
    dom.set("type", opts["--type"])
    if opts["--name"]:
        dom.find("name").text = opts["--name"]
    cpu = dom.find("cpu")
    if (opts["--type"] == "qemu" and cpu is not None and
            cpu.get("mode") in ("host-passthrough", "host-model")):
        dom.remove(cpu)
    devices = dom.find("devices")
    if devices is None:
        sys.exit("boot-xml.py: no <devices>")
    for dev in list(devices):
        if dev.tag == "disk" and dev.get("type") == "volume":
            src = dev.find("source")
            pool = src.get("pool") if src is not None else None
            if pool not in pools:
                sys.exit("boot-xml.py: disk in pool %r: no --pool for it"
                         % pool)
            dev.set("type", "file")
            path = os.path.join(pools[pool], src.get("volume"))
            src.attrib.clear()
            src.set("file", path)
        elif dev.tag == "serial":
            for child in list(dev):
                if child.tag in ("source", "log", "protocol"):
                    dev.remove(child)
            dev.attrib.clear()
            dev.set("type", "file")
            src = ET.Element("source", {"path": opts["--serial-log"],
                                        "append": "off"})
            dev.insert(0, src)
        elif dev.tag == "console":
            tgt = dev.find("target")
            if tgt is None or tgt.get("type", "serial") == "serial":
                devices.remove(dev)
        elif dev.tag == "interface":
            keep = [c for c in dev if c.tag in ("mac", "model", "address",
                                                 "boot", "rom")]
            for child in list(dev):
                dev.remove(child)
            dev.attrib.clear()
            dev.set("type", "user")
            for c in keep:
                dev.append(c)
        elif dev.tag == "graphics":
            devices.remove(dev)
        elif dev.tag == "vsock" and not os.path.exists("/dev/vhost-vsock"):
            devices.remove(dev)
        elif dev.tag == "emulator":
            if not os.path.exists((dev.text or "").strip()):
                devices.remove(dev)
    if devices.find("serial") is None:
        ser = ET.SubElement(devices, "serial", {"type": "file"})
        ET.SubElement(ser, "source", {"path": opts["--serial-log"],
                                      "append": "off"})
        ET.SubElement(ser, "target", {"port": "0"})
    tree.write(pos[1], encoding="unicode")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
