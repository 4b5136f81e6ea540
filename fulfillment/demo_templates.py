"""The demo telco's fulfillment: assignment groups and a flow template for every demo
product specification. Each task: (code, name, kind, group, planned h, SLA h, outputs,
depends on codes)."""

GROUPS = {
    "Access provisioning": ("fiona", ["fiona"]),
    "IP engineering": ("fiona", ["fiona"]),
    "CPE logistics": ("fiona", ["fiona"]),
    "Field services": ("paula", ["tariq"]),
    "Voice engineering": ("fiona", ["fiona"]),
    "Security operations": ("fiona", ["fiona"]),
    "Service desk": ("fiona", ["fiona"]),
    "Partner management": ("paula", ["paula"]),
}

FLOWS = {
    "ACCESS-LINE": ("Access line delivery", [
        ("order-circuit", "Order the access circuit", "api", "Access provisioning", 1, 4,
         ["circuit_id"], []),
        ("install-ntu", "Install the NTU on site", "field_service", "Field services", 3, 72,
         ["ntu_serial"], ["order-circuit"]),
        ("test-circuit", "Test the circuit end to end", "manual", "Access provisioning", 1, 8,
         [], ["install-ntu"]),
    ]),
    "IP-INTERNET": ("Internet service activation", [
        ("allocate-ip", "Allocate the IP block", "api", "IP engineering", 0.5, 4,
         ["ip_block"], []),
        ("configure-pe", "Configure the PE router", "manual", "IP engineering", 2, 16,
         ["vlan"], ["allocate-ip"]),
    ]),
    "IP-VPN": ("IP-VPN site activation", [
        ("assign-vrf", "Assign the VRF and route targets", "manual", "IP engineering", 1, 8,
         ["vrf"], []),
        ("configure-pe", "Configure the PE router", "manual", "IP engineering", 2, 16,
         ["vlan"], ["assign-vrf"]),
    ]),
    "ETH-EVC": ("Ethernet circuit activation", [
        ("configure-evc", "Configure the EVC", "manual", "IP engineering", 2, 16,
         ["evc_id", "vlan"], []),
    ]),
    "CPE-ROUTER": ("Managed CPE delivery", [
        ("stage-cpe", "Stage and configure the CPE router", "manual", "CPE logistics", 2, 24,
         ["cpe_serial"], []),
        # On site the technician notes the serial of the router actually installed (a spare
        # may replace the staged one): the CMDB's CPE item carries it.
        ("install-cpe", "Install the CPE on site", "field_service", "Field services", 2, 72,
         ["cpe_serial"], ["stage-cpe"]),
    ]),
    "SDWAN-OVERLAY": ("SD-WAN overlay", [
        ("create-tenant", "Create the tenant and policies", "manual", "IP engineering", 2, 16,
         ["tenant_id"], []),
    ]),
    "SDWAN-EDGE": ("SD-WAN edge delivery", [
        ("ship-edge", "Ship the edge appliance", "manual", "CPE logistics", 1, 48,
         ["edge_serial"], []),
        ("install-edge", "Install and onboard the edge", "field_service", "Field services", 2,
         72, ["edge_serial"], ["ship-edge"]),
    ]),
    "SIP-TRUNK": ("SIP trunk activation", [
        ("reserve-numbers", "Reserve the phone numbers", "api", "Voice engineering", 0.5, 4,
         ["number_block"], []),
        ("configure-trunk", "Configure the SIP trunk", "manual", "Voice engineering", 2, 16,
         ["trunk_id"], ["reserve-numbers"]),
    ]),
    "FW-MANAGED": ("Managed firewall delivery", [
        ("provision-fw", "Provision the firewall", "manual", "Security operations", 3, 24,
         ["firewall_id"], []),
        ("apply-policy", "Apply the customer's policy", "manual", "Security operations", 2, 16,
         [], ["provision-fw"]),
    ]),
    "WIFI-MANAGED": ("Managed Wi-Fi delivery", [
        ("site-survey", "Wi-Fi site survey", "field_service", "Field services", 4, 120, [], []),
        ("install-aps", "Install the access points", "field_service", "Field services", 6,
         120, ["controller_id"], ["site-survey"]),
    ]),
    "TEAMS-DR": ("Teams Direct Routing", [
        ("partner-order", "Order at the partner", "manual", "Partner management", 1, 48,
         ["partner_reference"], []),
    ]),
    "MON-PROACTIVE": ("Monitoring onboarding", [
        ("add-monitoring", "Add the service to monitoring", "manual", "Service desk", 0.5, 8,
         [], []),
    ]),
    "SUPPORT-247": ("Service desk onboarding", [
        ("create-support", "Create the support contract entry", "manual", "Service desk", 0.5,
         8, [], []),
    ]),
    "SLA-PACK": ("SLA pack registration", [
        ("register-sla", "Register the SLA in service management", "manual", "Service desk",
         0.5, 8, [], []),
    ]),
}  # fmt: skip
