-- one database per service, owned by the services' login role (POSTGRES_USER)
CREATE DATABASE whmcs_abuse OWNER whmcs;
CREATE DATABASE whmcs_projects OWNER whmcs;
CREATE DATABASE whmcs_billing OWNER whmcs;
CREATE DATABASE whmcs_reseller OWNER whmcs;
