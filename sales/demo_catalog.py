"""The demo telco's enterprise catalog, in the catalog file format (``catalog_io``)."""


def _char(code, name, value_type, *, values=(), lo=None, hi=None, unit="", default="",
          price=True, description=""):  # fmt: skip
    return {"code": code, "name": name, "description": description, "value_type": value_type,
            "allowed_values": list(values), "min_value": lo, "max_value": hi, "unit": unit,
            "default": default, "price_affecting": price}  # fmt: skip


def _spec(code, name, domain, chars=(), relationships=(), description=""):
    return {"code": code, "name": name, "description": description, "domain": domain,
            "characteristics": list(chars),
            "relationships": [
                {"target": t, "kind": k, "condition_characteristic": cc, "condition_value": cv}
                for t, k, cc, cv in relationships
            ]}  # fmt: skip


def _rule(char, value="", adder="0", one_time="0", *, lo=None, hi=None, per_unit=False,
          description=""):  # fmt: skip
    return {"characteristic": char, "value": value, "min_value": lo, "max_value": hi,
            "per_unit": per_unit, "recurring_adder": adder, "one_time_adder": one_time,
            "description": description}  # fmt: skip


def _offering(code, name, kind, recurring, one_time, specs, rules=(), *, state="active",
              description="", project=False, partner="", terms="", sla=(None, None, None),
              sellable_from="2025-01-01", sellable_to=None, segments=(), countries=(),
              requires=(), excludes=()):  # fmt: skip
    return {"code": code, "name": name, "description": description, "kind": kind,
            "state": state, "sellable_from": sellable_from, "sellable_to": sellable_to,
            "currency": "EUR", "recurring_price": recurring, "one_time_price": one_time,
            "requires_project": project, "partner_name": partner, "partner_terms": terms,
            "sla_availability": sla[0], "sla_time_to_restore_hours": sla[1],
            "sla_response_time_hours": sla[2], "specifications": list(specs),
            "segments": list(segments), "countries": list(countries),
            "requires": list(requires), "excludes": list(excludes),
            "price_rules": list(rules)}  # fmt: skip


BANDWIDTHS = ["10", "50", "100", "200", "500", "1000", "10000"]


def _bandwidth_tiers(*adders):
    return [_rule("bandwidth", bw, adder, description=f"Bandwidth {bw} Mbit/s")
            for bw, adder in zip(BANDWIDTHS, adders, strict=True) if adder != "0"]  # fmt: skip


ACCESS_RULES = [
    _rule("access_type", "fixed_wireless", "60", "600", description="Fixed wireless access"),
    _rule("access_type", "satellite", "150", "1200", description="Satellite access"),
    _rule("pop_redundancy", "dual", "220", "900", description="Dual-POP redundancy"),
]

CHARACTERISTICS = [
    _char("bandwidth", "Bandwidth", "choice", values=BANDWIDTHS, unit="Mbit/s", default="100"),
    _char("access_type", "Access type", "choice",
          values=["fiber", "copper", "fixed_wireless", "satellite"], default="fiber"),
    _char("pop_redundancy", "POP redundancy", "choice", values=["single", "dual"],
          default="single"),
    _char("routing_type", "Routing type", "choice", values=["static", "bgp"], default="static"),
    _char("ipv4_block", "IPv4 block", "choice", values=["/30", "/29", "/28", "/27"],
          default="/29"),
    _char("class_of_service", "Class of service", "choice",
          values=["best_effort", "business", "real_time"], default="business"),
    _char("managed_cpe", "Managed CPE", "boolean", default="yes",
          description="We supply and operate the router on site."),
    _char("router_model", "Router model", "choice",
          values=["branch-s", "branch-m", "core-l"], default="branch-s"),
    _char("sdwan_license", "SD-WAN licence", "choice",
          values=["standard", "advanced", "premium"], default="standard"),
    _char("sip_channels", "Concurrent channels", "integer", lo=2, hi=500, unit="channels",
          default="10"),
    _char("did_numbers", "Direct-dial numbers", "integer", lo=1, hi=1000, unit="numbers",
          default="10"),
    _char("fw_throughput", "Firewall throughput", "choice",
          values=["100", "500", "1000", "5000"], unit="Mbit/s", default="500"),
    _char("high_availability", "High availability pair", "boolean", default="no"),
    _char("access_points", "Access points", "integer", lo=1, hi=200, unit="APs", default="5"),
    _char("teams_users", "Teams users", "integer", lo=10, hi=10000, unit="users",
          default="50"),
    _char("access_notes", "Access notes", "text", price=False,
          description="Site access hints for the field technician."),
]  # fmt: skip

SPECIFICATIONS = [
    _spec("ACCESS-LINE", "Business access line", "access",
          ["access_type", "bandwidth", "pop_redundancy", "access_notes"]),
    _spec("IP-INTERNET", "Internet IP service", "ip_core",
          ["routing_type", "ipv4_block", "managed_cpe"],
          [("CPE-ROUTER", "requires", "managed_cpe", "yes"),
           ("ACCESS-LINE", "requires", None, "")]),
    _spec("IP-VPN", "IP-VPN service", "ip_core", ["routing_type", "class_of_service",
          "managed_cpe"], [("CPE-ROUTER", "requires", "managed_cpe", "yes"),
                           ("ACCESS-LINE", "requires", None, "")]),
    _spec("ETH-EVC", "Ethernet virtual circuit", "ip_core", [],
          [("ACCESS-LINE", "requires", None, "")]),
    _spec("CPE-ROUTER", "Managed CPE router", "cpe", ["router_model"]),
    _spec("SDWAN-OVERLAY", "SD-WAN overlay and orchestration", "ip_core", ["sdwan_license"],
          [("SDWAN-EDGE", "realized_as", None, "")]),
    _spec("SDWAN-EDGE", "SD-WAN edge appliance", "cpe", [],
          [("ACCESS-LINE", "requires", None, "")]),
    _spec("SIP-TRUNK", "SIP trunk", "voice", ["sip_channels", "did_numbers"]),
    _spec("FW-MANAGED", "Managed firewall service", "security",
          ["fw_throughput", "high_availability"]),
    _spec("SEC-EDGE", "Security on the SD-WAN edge", "security", []),
    _spec("WIFI-MANAGED", "Managed Wi-Fi", "wifi", ["access_points"],
          [("MON-PROACTIVE", "requires", None, "")]),
    _spec("TEAMS-DR", "Teams Direct Routing SBC", "partner", ["teams_users"],
          [("SIP-TRUNK", "requires", None, "")]),
    _spec("MON-PROACTIVE", "Proactive monitoring", "service_mgmt", []),
    _spec("SUPPORT-247", "24x7 service desk", "service_mgmt", []),
    _spec("SLA-PACK", "SLA pack", "service_mgmt", []),
]  # fmt: skip

OFFERINGS = [
    _offering("DIA", "Dedicated Internet Access", "connectivity", "249.00", "450.00",
              ["ACCESS-LINE", "IP-INTERNET"],
              _bandwidth_tiers("0", "90", "190", "340", "690", "1190", "3900") + ACCESS_RULES + [
                  _rule("routing_type", "bgp", "45", description="BGP routing"),
                  _rule("ipv4_block", "/28", "25", description="IPv4 /28"),
                  _rule("ipv4_block", "/27", "60", description="IPv4 /27"),
                  _rule("managed_cpe", "yes", "39", description="Managed CPE router")],
              description="Symmetric, uncontended internet access with a fixed IP block."),
    _offering("SDWAN", "SD-WAN Managed", "managed_service", "189.00", "350.00",
              ["ACCESS-LINE", "SDWAN-OVERLAY"],
              _bandwidth_tiers("0", "70", "150", "260", "520", "900", "2900") + ACCESS_RULES + [
                  _rule("sdwan_license", "advanced", "60", description="Advanced licence"),
                  _rule("sdwan_license", "premium", "140", description="Premium licence")],
              description="Application-aware SD-WAN over any access, operated by our NOC."),
    _offering("MPLS", "MPLS IP-VPN", "connectivity", "299.00", "600.00",
              ["ACCESS-LINE", "IP-VPN"],
              _bandwidth_tiers("0", "110", "230", "410", "820", "1390", "4600") + ACCESS_RULES + [
                  _rule("class_of_service", "business", "50", description="Business class"),
                  _rule("class_of_service", "real_time", "120",
                        description="Real-time class"),
                  _rule("managed_cpe", "yes", "39", description="Managed CPE router")],
              description="Private any-to-any network between sites with classes of service."),
    _offering("ELINE", "Ethernet Line (EPL)", "connectivity", "390.00", "900.00",
              ["ACCESS-LINE", "ETH-EVC"],
              _bandwidth_tiers("0", "120", "260", "450", "900", "1500", "5200") + ACCESS_RULES,
              description="Point-to-point Ethernet private line between two sites."),
    _offering("SIP", "SIP Trunking", "voice", "39.00", "150.00", ["SIP-TRUNK"], [
                  _rule("sip_channels", lo=2, hi=500, per_unit=True, adder="6.50",
                        description="Channel"),
                  _rule("did_numbers", lo=1, hi=1000, per_unit=True, adder="0.40",
                        description="Direct-dial number")],
              description="SIP trunks for IP-PBX and cloud voice, with number blocks."),
    _offering("MFW", "Managed Firewall", "managed_service", "159.00", "400.00",
              ["FW-MANAGED"], [
                  _rule("fw_throughput", "1000", "180", description="1 Gbit/s throughput"),
                  _rule("fw_throughput", "500", "80", description="500 Mbit/s throughput"),
                  _rule("fw_throughput", "5000", "650", description="5 Gbit/s throughput"),
                  _rule("high_availability", "yes", "140", "300",
                        description="High-availability pair")],
              description="Next-generation firewall, run and updated by our SOC."),
    _offering("MSEC", "Managed Security", "managed_service", "129.00", "250.00",
              ["SEC-EDGE"], requires=["SDWAN"], countries=["AT", "DE"],
              segments=["energy", "finance", "healthcare", "logistics", "public"],
              description="Firewall, intrusion prevention and web filtering on the SD-WAN "
                          "edge, watched by our SOC. Needs SD-WAN at the same site; for "
                          "regulated and critical-infrastructure customers in Germany and "
                          "Austria."),
    _offering("WIFI", "Managed Wi-Fi", "managed_service", "49.00", "250.00",
              ["WIFI-MANAGED"], [
                  _rule("access_points", lo=1, hi=200, per_unit=True, adder="14.00",
                        one_time="180.00", description="Access point")],
              project=True,
              description="Campus Wi-Fi with site survey, installation and monitoring."),
    _offering("TEAMS", "Microsoft Teams Direct Routing", "partner_service", "25.00", "500.00",
              ["TEAMS-DR"], [
                  _rule("teams_users", lo=10, hi=10000, per_unit=True, adder="3.90",
                        description="Teams user")],
              partner="Microsoft (SBC operated by certified partner)",
              terms="Microsoft 365 Phone System licences are the customer's. The session "
                    "border controller is operated by our certified partner under its own "
                    "99.9% SLA; we remain the single point of contact.",
              description="Connect Microsoft Teams to the public phone network."),
    _offering("CPE-RENT", "CPE router rental", "equipment", "29.00", "99.00", ["CPE-ROUTER"],
              excludes=["SDWAN"], rules=[
                  _rule("router_model", "branch-m", "15", description="Branch router M"),
                  _rule("router_model", "core-l", "60", description="Core router L")],
              description="Business router on rent, replaced next business day. Not with "
                          "SD-WAN at the same site: SD-WAN brings its own edge appliance."),
    _offering("SUP-247", "24x7 support", "entitlement", "90.00", "0.00", ["SUPPORT-247"],
              description="Service desk and fault handling around the clock."),
    _offering("MON", "Proactive monitoring", "entitlement", "45.00", "0.00",
              ["MON-PROACTIVE"],
              description="We watch your services and open the ticket before you notice."),
    _offering("SLA-GOLD", "SLA Gold", "entitlement", "180.00", "0.00", ["SLA-PACK"],
              sla=("99.950", "4.00", "0.50")),
    _offering("SLA-SILVER", "SLA Silver", "entitlement", "90.00", "0.00", ["SLA-PACK"],
              sla=("99.900", "8.00", "1.00")),
    _offering("SLA-BRONZE", "SLA Bronze", "entitlement", "0.00", "0.00", ["SLA-PACK"],
              sla=("99.500", "24.00", "4.00")),
    _offering("FWA-5G", "5G Fixed Wireless Access", "connectivity", "79.00", "0.00",
              ["ACCESS-LINE", "IP-INTERNET"], state="draft", sellable_from="2027-03-01",
              description="Business internet over our 5G standalone network (launching 2027)."),
    _offering("ISDN-PRI", "ISDN Primary Rate (PRI)", "voice", "89.00", "250.00",
              ["SIP-TRUNK"], state="retired", sellable_from="2010-01-01",
              sellable_to="2024-12-31",
              description="Legacy ISDN primary rate interface; replaced by SIP Trunking."),
]  # fmt: skip

FEASIBILITY_RULES = [
    {"name": "On-net buildings Germany", "country": "DE", "postcode_prefix": "",
     "on_net_addresses": ["20457 Am Sandtorkai 50", "80539 Maximilianstr. 8",
                          "60314 Hanauer Landstr. 302", "10117 Friedrichstr. 68"],
     "access_types": ["fiber", "copper"], "max_bandwidth": {"fiber": 10000, "copper": 100},
     "dual_pop_available": True, "build_surcharge": "0", "surcharge_access_types": [],
     "condition_note": ""},
    {"name": "Metro fiber Hamburg", "country": "DE", "postcode_prefix": "20",
     "on_net_addresses": [], "access_types": ["fiber", "copper", "fixed_wireless"],
     "max_bandwidth": {"fiber": 1000, "copper": 100, "fixed_wireless": 300},
     "dual_pop_available": True, "build_surcharge": "2500.00",
     "surcharge_access_types": ["fiber"],
     "condition_note": "Fiber lateral to the building needed (about 8 weeks)."},
    {"name": "Metro fiber Berlin", "country": "DE", "postcode_prefix": "10",
     "on_net_addresses": [], "access_types": ["fiber", "copper", "fixed_wireless"],
     "max_bandwidth": {"fiber": 1000, "copper": 100, "fixed_wireless": 300},
     "dual_pop_available": True, "build_surcharge": "2200.00",
     "surcharge_access_types": ["fiber"],
     "condition_note": "Fiber lateral to the building needed (about 6 weeks)."},
    {"name": "Metro fiber Frankfurt", "country": "DE", "postcode_prefix": "60",
     "on_net_addresses": [], "access_types": ["fiber", "copper"],
     "max_bandwidth": {"fiber": 10000, "copper": 100}, "dual_pop_available": True,
     "build_surcharge": "1800.00", "surcharge_access_types": ["fiber"],
     "condition_note": "In-building fiber riser to be installed."},
    {"name": "Metro fiber München", "country": "DE", "postcode_prefix": "80",
     "on_net_addresses": [], "access_types": ["fiber", "copper", "fixed_wireless"],
     "max_bandwidth": {"fiber": 1000, "copper": 100, "fixed_wireless": 300},
     "dual_pop_available": True, "build_surcharge": "3200.00",
     "surcharge_access_types": ["fiber"],
     "condition_note": "Civil works permit needed for the fiber lateral (about 10 weeks)."},
    {"name": "Regional Bremen", "country": "DE", "postcode_prefix": "28",
     "on_net_addresses": [], "access_types": ["fiber", "copper", "fixed_wireless"],
     "max_bandwidth": {"fiber": 500, "copper": 100, "fixed_wireless": 200},
     "dual_pop_available": False, "build_surcharge": "4000.00",
     "surcharge_access_types": ["fiber"],
     "condition_note": "Fiber over partner ducts; build surcharge applies."},
    {"name": "Regional Hannover", "country": "DE", "postcode_prefix": "30",
     "on_net_addresses": [], "access_types": ["copper", "fixed_wireless"],
     "max_bandwidth": {"copper": 100, "fixed_wireless": 200}, "dual_pop_available": False,
     "build_surcharge": "0", "surcharge_access_types": [], "condition_note": ""},
    {"name": "Schleswig-Holstein rural", "country": "DE", "postcode_prefix": "24",
     "on_net_addresses": [], "access_types": ["fixed_wireless", "satellite"],
     "max_bandwidth": {"fixed_wireless": 100, "satellite": 50}, "dual_pop_available": False,
     "build_surcharge": "0", "surcharge_access_types": [], "condition_note": ""},
    {"name": "Germany nationwide copper", "country": "DE", "postcode_prefix": "",
     "on_net_addresses": [], "access_types": ["copper", "satellite"],
     "max_bandwidth": {"copper": 50, "satellite": 50}, "dual_pop_available": False,
     "build_surcharge": "0", "surcharge_access_types": [], "condition_note": ""},
    {"name": "Austria wholesale access", "country": "AT", "postcode_prefix": "",
     "on_net_addresses": [], "access_types": ["fiber", "copper"],
     "max_bandwidth": {"fiber": 1000, "copper": 100}, "dual_pop_available": False,
     "build_surcharge": "1500.00", "surcharge_access_types": ["fiber", "copper"],
     "condition_note": "Delivered over a wholesale partner's access (about 10 weeks)."},
]  # fmt: skip

CATALOG = {
    "format": "telcrm-catalog",
    "version": 1,
    "characteristics": CHARACTERISTICS,
    "specifications": SPECIFICATIONS,
    "offerings": OFFERINGS,
    "feasibility_rules": FEASIBILITY_RULES,
}
